SELECT source, watermark, synced_at FROM crmventas_sync_state;
