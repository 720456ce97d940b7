SELECT count(*) FROM leads
WHERE assigned_seller_id = :seller_id AND status IN ('new', 'contacted') AND created_at < :cutoff
  AND conversion_probability > :hot_threshold AND conversion_probability <= 1  -- not NaN, not above 1
  AND (last_contact_time IS NULL OR last_contact_time < :cutoff - make_interval(secs => :hot_idle_hours * 3600));
