-- A watermark moves forward only (a late or concurrent writer never moves it back).
INSERT INTO crmventas_sync_state AS s (source, watermark, synced_at)
VALUES (:source, :watermark, CAST(:synced_at AS timestamptz))
ON CONFLICT (source) DO UPDATE SET watermark = EXCLUDED.watermark, synced_at = EXCLUDED.synced_at;
