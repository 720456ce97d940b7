-- Re-materializing days replaces their rows: nothing of the old ones survives the transaction.
DELETE FROM seller_metrics
WHERE period >= CAST(:start_date AS date) AND period < CAST(:end_date AS date)
