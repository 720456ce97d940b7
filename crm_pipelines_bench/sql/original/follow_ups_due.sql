SELECT count(*) FROM leads
WHERE assigned_seller_id = :seller_id AND status IN ('interested', 'negotiation') AND created_at < :cutoff
  AND next_follow_up <= :cutoff;
