-- seller_metrics (SPEC section 2) for every active seller of every tenant and every local day
-- D in [:start_date, :end_date) that has begun by :now, in one set-based pass.
--
-- Params: :start_date, :end_date (dates, end exclusive), :now (timestamptz), :tz (IANA name),
-- :unanswered_hours, :hot_threshold, :hot_idle_hours.
--
-- The cut-off of D is C = least(end of D, :now): only the window's last day can be "today", so
-- every message the window may see lies in [start of the window, least(end of window, :now)).
-- Metrics that are a state at C (totals, unanswered, hot leads, follow-ups) become "from this
-- day on" events, summed cumulatively over the days, instead of one probe per day.
--
-- Bad source rows never stop the others: messages of an unknown sender type are ignored,
-- seller messages whose seller_id is no active seller of the message's tenant still answer the
-- customer's turn but are attributed to nobody, and a conversation or lead assigned to a seller
-- of another tenant counts for nobody. The asset checks report such rows.
WITH win AS NOT MATERIALIZED (
    -- Constants only: inlined, so the planner sees literal bounds for the index range scans.
    SELECT CAST(:start_date AS date) AS first_day,
           least(CAST(:end_date AS date) - 1, (CAST(:now AS timestamptz) AT TIME ZONE :tz)::date) AS last_day,
           CAST(:start_date AS timestamp) AT TIME ZONE :tz AS ws,
           least(CAST(:end_date AS timestamp) AT TIME ZONE :tz, CAST(:now AS timestamptz)) AS eff_end,
           -- conversion_rate looks at the 30 local days ending D
           (CAST(:start_date AS date) - 29)::timestamp AT TIME ZONE :tz AS leads_ws,
           make_interval(secs => CAST(:unanswered_hours AS double precision) * 3600) AS unanswered_after,
           make_interval(secs => CAST(:hot_idle_hours AS double precision) * 3600) AS hot_idle,
           CAST(:hot_threshold AS numeric) AS hot_threshold
),
days AS (
    -- an integer series: PostgreSQL estimates its length exactly (a timestamp one it guesses at 1000)
    SELECT win.first_day + i AS day
    FROM win, generate_series(0, win.last_day - win.first_day) AS i
),
active_sellers AS (
    SELECT s.id AS seller_id, s.tenant_id FROM sellers s WHERE s.is_active
),
grid AS (
    SELECT a.tenant_id, a.seller_id, d.day FROM active_sellers a CROSS JOIN days d
),

-- Messages of the window (index messages (tenant_id, created_at), one range per tenant), and the
-- conversations they belong to, fetched by primary key (a handful of the whole table).
win_msgs_raw AS (
    SELECT m.id, m.tenant_id, m.conversation_id, m.sender_type, m.seller_id, m.created_at
    FROM win
    CROSS JOIN tenants t
    JOIN messages m ON m.tenant_id = t.id AND m.created_at >= win.ws AND m.created_at < win.eff_end
    WHERE m.sender_type IN ('customer', 'seller', 'bot', 'system')
),
win_convs AS (
    SELECT c.id AS conversation_id, c.tenant_id, c.assigned_seller_id, c.created_at
    FROM conversations c
    WHERE c.id IN (SELECT conversation_id FROM win_msgs_raw)
),
win_msgs AS (
    -- a message counts in its conversation's tenant only
    SELECT m.*, (m.created_at AT TIME ZONE :tz)::date AS day,
           c.assigned_seller_id, c.created_at AS conversation_created_at
    FROM win_msgs_raw m
    JOIN win_convs c ON c.conversation_id = m.conversation_id AND c.tenant_id = m.tenant_id
),

-- Conversations that may be "unanswered" at a cut-off: active, assigned to an active seller of
-- their own tenant.
active_convs AS (
    SELECT c.id AS conversation_id, c.tenant_id, c.assigned_seller_id AS seller_id, c.created_at
    FROM conversations c
    JOIN active_sellers a ON a.seller_id = c.assigned_seller_id AND a.tenant_id = c.tenant_id
    WHERE c.status = 'active'
),
-- Where a conversation stood when the window opened, looked up only for the conversations the
-- window needs (touched by a customer/seller message, or active) that existed before it: its
-- last customer/seller message, and when that is the customer's, when the open turn started.
ctx_convs AS (
    SELECT w.conversation_id, w.tenant_id, w.conversation_created_at AS created_at FROM win_msgs w, win
    WHERE w.sender_type IN ('customer', 'seller') AND w.conversation_created_at < win.ws
    UNION
    SELECT ac.conversation_id, ac.tenant_id, ac.created_at FROM active_convs ac, win WHERE ac.created_at < win.ws
),
prior AS (
    SELECT cc.conversation_id, cc.tenant_id, cc.created_at AS conversation_created_at,
           lm.sender_type AS last_sender, lm.created_at AS last_at, ft.created_at AS open_turn_start
    FROM win
    CROSS JOIN ctx_convs cc
    CROSS JOIN LATERAL (
        SELECT m.sender_type, m.created_at FROM messages m
        WHERE m.conversation_id = cc.conversation_id AND m.created_at < win.ws
          AND m.sender_type IN ('customer', 'seller')
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) lm
    -- (the sender test inside the subqueries skips their index scans when the last one was the seller)
    LEFT JOIN LATERAL (
        SELECT m.created_at, m.id FROM messages m
        WHERE lm.sender_type = 'customer'
          AND m.conversation_id = cc.conversation_id AND m.created_at < win.ws AND m.sender_type = 'seller'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) ls ON true
    LEFT JOIN LATERAL (
        SELECT m.created_at FROM messages m
        WHERE lm.sender_type = 'customer'
          AND m.conversation_id = cc.conversation_id AND m.created_at < win.ws AND m.sender_type = 'customer'
          AND (m.created_at, m.id) > (coalesce(ls.created_at, '-infinity'), coalesce(ls.id, 0))
        ORDER BY m.created_at, m.id LIMIT 1
    ) ft ON true
),
-- Customer and seller messages in (created_at, id) order, bot and system ones left out (they
-- neither open nor answer a turn), each conversation headed by its state before the window.
cs_seq AS (
    SELECT p.conversation_id, p.tenant_id, p.conversation_created_at, 0 AS in_window,
           p.last_sender AS sender_type, NULL::uuid AS seller_id, p.last_at AS created_at, 0::bigint AS id,
           p.open_turn_start AS turn_start_at
    FROM prior p
    UNION ALL
    SELECT w.conversation_id, w.tenant_id, w.conversation_created_at, 1,
           w.sender_type, w.seller_id, w.created_at, w.id, w.created_at
    FROM win_msgs w
    WHERE w.sender_type IN ('customer', 'seller')
),
ordered AS (
    SELECT q.*,
           lag(q.sender_type) OVER w AS prev_sender,
           lead(q.created_at) OVER w AS next_at,
           min(q.in_window) OVER (PARTITION BY q.conversation_id) = 1 AS no_history
    FROM cs_seq q
    WINDOW w AS (PARTITION BY q.conversation_id ORDER BY q.in_window, q.created_at, q.id)
),
with_turns AS (
    -- a customer message after a seller message (or opening the conversation) starts a turn;
    -- the turn in progress is the latest one started so far
    SELECT o.*,
           max(CASE WHEN o.sender_type = 'customer' AND o.prev_sender IS DISTINCT FROM 'customer'
                    THEN o.turn_start_at END)
               OVER (PARTITION BY o.conversation_id ORDER BY o.in_window, o.created_at, o.id
                     ROWS UNBOUNDED PRECEDING) AS turn_start
    FROM ordered o
),
replies AS (
    -- the first seller message after a customer message answers the turn in progress
    SELECT t.conversation_id, t.tenant_id, t.seller_id, t.created_at, t.no_history,
           t.conversation_created_at,
           (t.created_at AT TIME ZONE :tz)::date AS day,
           extract(epoch FROM t.created_at - t.turn_start) / 60 AS minutes,
           row_number() OVER (PARTITION BY t.conversation_id ORDER BY t.created_at, t.id) AS nth
    FROM with_turns t
    WHERE t.in_window = 1 AND t.sender_type = 'seller' AND t.prev_sender = 'customer'
),
reply_stats AS (
    SELECT r.seller_id, r.tenant_id, r.day, count(*) AS replies,
           avg(r.minutes) AS avg_minutes,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.minutes::double precision) AS median_minutes,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY r.minutes::double precision) AS p90_minutes
    FROM replies r
    WHERE r.seller_id IS NOT NULL
    GROUP BY r.seller_id, r.tenant_id, r.day
),
first_responses AS (
    -- conversations created on D whose first reply (also on D, before C) came from the seller
    SELECT r.seller_id, r.tenant_id, r.day, avg(r.minutes) AS first_response_minutes
    FROM replies r
    WHERE r.nth = 1 AND r.no_history AND r.seller_id IS NOT NULL
      AND (r.conversation_created_at AT TIME ZONE :tz)::date = r.day
    GROUP BY r.seller_id, r.tenant_id, r.day
),

-- Per conversation and day (any sender): activity, chat time, customer messages, engagement.
conv_days AS (
    SELECT w.conversation_id, w.tenant_id, w.assigned_seller_id, w.day,
           extract(epoch FROM max(w.created_at) - min(w.created_at)) / 60 AS chat_minutes,
           count(*) FILTER (WHERE w.sender_type = 'customer') AS customer_msgs,
           bool_or(w.sender_type = 'seller' AND w.seller_id = w.assigned_seller_id) AS assigned_wrote
    FROM win_msgs w
    WHERE w.assigned_seller_id IS NOT NULL
    GROUP BY w.conversation_id, w.tenant_id, w.assigned_seller_id, w.day
),
conv_stats AS (
    SELECT assigned_seller_id AS seller_id, tenant_id, day,
           count(*) AS conversations_active,
           count(*) FILTER (WHERE assigned_wrote) AS conversations_engaged,
           sum(chat_minutes) AS chat_minutes,
           sum(customer_msgs) AS messages_received
    FROM conv_days
    GROUP BY assigned_seller_id, tenant_id, day
),
sent_stats AS (
    SELECT w.seller_id, w.tenant_id, w.day, count(*) AS messages_sent
    FROM win_msgs w
    WHERE w.sender_type = 'seller' AND w.seller_id IS NOT NULL
    GROUP BY w.seller_id, w.tenant_id, w.day
),

-- Leads created / converted per seller and day, from 29 days before the window (conversion rate).
lead_days AS (
    SELECT a.seller_id, (l.created_at AT TIME ZONE :tz)::date AS day, count(*) AS generated, 0 AS converted
    FROM win
    CROSS JOIN active_sellers a
    JOIN leads l ON l.assigned_seller_id = a.seller_id AND l.tenant_id = a.tenant_id
                AND l.created_at >= win.leads_ws AND l.created_at < win.eff_end
    GROUP BY 1, 2
    UNION ALL
    SELECT a.seller_id, (l.converted_at AT TIME ZONE :tz)::date, 0, count(*)
    FROM win
    CROSS JOIN active_sellers a
    JOIN leads l ON l.assigned_seller_id = a.seller_id AND l.tenant_id = a.tenant_id
                AND l.converted_at >= win.leads_ws AND l.converted_at < win.eff_end
    GROUP BY 1, 2
),
lead_stats AS (
    SELECT g.seller_id, g.day,
           coalesce(sum(ld.generated) FILTER (WHERE ld.day = g.day), 0) AS leads_generated,
           coalesce(sum(ld.converted) FILTER (WHERE ld.day = g.day), 0) AS leads_converted,
           sum(ld.generated) AS generated_30d,
           sum(ld.converted) AS converted_30d
    FROM grid g
    JOIN lead_days ld ON ld.seller_id = g.seller_id AND ld.day BETWEEN g.day - 29 AND g.day
    GROUP BY g.seller_id, g.day
),

-- States at a cut-off, as events "counts from this day on" (+1) and "no longer" (-1); the
-- running sum over the days gives the state at each day's cut-off. The first day whose cut-off
-- C satisfies C > t is t's local day (clipped to the window); C >= t is the local day of t - 1 µs.
unanswered_spans AS (
    SELECT x.seller_id, x.from_day,
           CASE WHEN x.next_at IS NULL THEN win.last_day ELSE (x.next_at AT TIME ZONE :tz)::date - 1 END AS to_day
    FROM win
    CROSS JOIN LATERAL (
        SELECT ac.seller_id, o.next_at,
               greatest((greatest(o.created_at + win.unanswered_after, ac.created_at) AT TIME ZONE :tz)::date,
                        win.first_day) AS from_day
        FROM ordered o
        JOIN active_convs ac ON ac.conversation_id = o.conversation_id
        WHERE o.sender_type = 'customer'
          AND greatest(o.created_at + win.unanswered_after, ac.created_at) < win.eff_end
    ) x
    WHERE x.from_day <= CASE WHEN x.next_at IS NULL THEN win.last_day ELSE (x.next_at AT TIME ZONE :tz)::date - 1 END
),
state_events AS (
    -- conversations_total: created before C; those created before the window count from its
    -- first day on (one index-only count per seller), the window's own from their local day
    SELECT a.seller_id, win.first_day AS day, n.before_window AS total_delta, 0 AS new_delta,
           0 AS unanswered_delta, 0 AS hot_delta, 0 AS followup_delta
    FROM win
    CROSS JOIN active_sellers a
    CROSS JOIN LATERAL (
        SELECT count(*) AS before_window FROM conversations c
        WHERE c.assigned_seller_id = a.seller_id AND c.created_at < win.ws AND c.tenant_id = a.tenant_id
    ) n
    UNION ALL
    -- conversations_new (and the total's growth): created on D before C
    SELECT a.seller_id, (c.created_at AT TIME ZONE :tz)::date, count(*), count(*), 0, 0, 0
    FROM win
    CROSS JOIN active_sellers a
    JOIN conversations c ON c.assigned_seller_id = a.seller_id AND c.tenant_id = a.tenant_id
                        AND c.created_at >= win.ws AND c.created_at < win.eff_end
    GROUP BY 1, 2
    UNION ALL
    -- unanswered: the customer's message is the conversation's last one before C and older than
    -- UNANSWERED_CONVERSATION_HOURS at C, i.e. C in (message + hours, next message]
    SELECT u.seller_id, u.from_day, 0, 0, 1, 0, 0
    FROM unanswered_spans u
    UNION ALL
    SELECT u.seller_id, u.to_day + 1, 0, 0, -1, 0, 0
    FROM unanswered_spans u, win
    WHERE u.to_day < win.last_day
    UNION ALL
    -- hot leads: probability above the threshold, new/contacted, idle for HOT_LEAD_IDLE_HOURS
    SELECT a.seller_id, greatest((h.since AT TIME ZONE :tz)::date, win.first_day), 0, 0, 0, count(*), 0
    FROM win
    CROSS JOIN active_sellers a
    JOIN leads l ON l.assigned_seller_id = a.seller_id AND l.tenant_id = a.tenant_id
    CROSS JOIN LATERAL (SELECT greatest(l.created_at, l.last_contact_time + win.hot_idle) AS since) h
    WHERE l.status IN ('new', 'contacted') AND l.conversion_probability > win.hot_threshold
      AND h.since < win.eff_end
    GROUP BY 1, 2
    UNION ALL
    -- follow-ups due: next_follow_up <= C, interested/negotiation, created before C
    SELECT a.seller_id,
           greatest((l.created_at AT TIME ZONE :tz)::date,
                    ((l.next_follow_up - interval '1 microsecond') AT TIME ZONE :tz)::date, win.first_day),
           0, 0, 0, 0, count(*)
    FROM win
    CROSS JOIN active_sellers a
    JOIN leads l ON l.assigned_seller_id = a.seller_id AND l.tenant_id = a.tenant_id
    WHERE l.status IN ('interested', 'negotiation')
      AND l.next_follow_up <= win.eff_end AND l.created_at < win.eff_end
    GROUP BY 1, 2
),
state_stats AS (
    SELECT g.seller_id, g.day,
           sum(coalesce(e.total, 0)) OVER s AS conversations_total,
           coalesce(e.new, 0) AS conversations_new,
           sum(coalesce(e.unanswered, 0)) OVER s AS conversations_unanswered,
           sum(coalesce(e.hot, 0)) OVER s AS hot_leads_open,
           sum(coalesce(e.followup, 0)) OVER s AS follow_ups_due
    FROM grid g
    LEFT JOIN (
        SELECT seller_id, day, sum(total_delta) AS total, sum(new_delta) AS new,
               sum(unanswered_delta) AS unanswered, sum(hot_delta) AS hot, sum(followup_delta) AS followup
        FROM state_events GROUP BY seller_id, day
    ) e ON e.seller_id = g.seller_id AND e.day = g.day
    WINDOW s AS (PARTITION BY g.seller_id ORDER BY g.day)
),

rows AS (
    SELECT g.tenant_id, g.seller_id, g.day AS period,
           st.conversations_total, coalesce(cs.conversations_active, 0) AS conversations_active,
           st.conversations_new, st.conversations_unanswered,
           coalesce(ss.messages_sent, 0) AS messages_sent,
           coalesce(cs.messages_received, 0) AS messages_received,
           coalesce(rs.replies, 0) AS replies,
           rs.avg_minutes, rs.median_minutes, rs.p90_minutes,
           fr.first_response_minutes,
           coalesce(cs.chat_minutes, 0) AS chat_minutes,
           cs.conversations_engaged::numeric / nullif(cs.conversations_active, 0) AS engagement_rate,
           coalesce(ls.leads_generated, 0) AS leads_generated,
           coalesce(ls.leads_converted, 0) AS leads_converted,
           ls.converted_30d::numeric / nullif(ls.generated_30d, 0) AS conversion_rate,
           st.hot_leads_open, st.follow_ups_due
    FROM grid g
    JOIN state_stats st ON st.seller_id = g.seller_id AND st.day = g.day
    LEFT JOIN conv_stats cs ON cs.seller_id = g.seller_id AND cs.tenant_id = g.tenant_id AND cs.day = g.day
    LEFT JOIN sent_stats ss ON ss.seller_id = g.seller_id AND ss.tenant_id = g.tenant_id AND ss.day = g.day
    LEFT JOIN reply_stats rs ON rs.seller_id = g.seller_id AND rs.tenant_id = g.tenant_id AND rs.day = g.day
    LEFT JOIN first_responses fr ON fr.seller_id = g.seller_id AND fr.tenant_id = g.tenant_id AND fr.day = g.day
    LEFT JOIN lead_stats ls ON ls.seller_id = g.seller_id AND ls.day = g.day
),
scored AS (
    -- productivity_score = round(10 × (0.30·R + 0.25·E + 0.25·V + 0.20·W), 2), in exact numerics
    SELECT r.*,
           round(10 * (
               0.30 * CASE WHEN r.replies > 0 THEN 1 - least(r.avg_minutes, 60) / 60 ELSE 0 END
             + 0.25 * coalesce(r.engagement_rate, 0)
             + 0.25 * least(coalesce(r.conversion_rate, 0), 1)
             + 0.20 * least(r.replies / 20.0, 1)
           ), 2) AS productivity_score
    FROM rows r
)
SELECT s.tenant_id, s.seller_id, s.period,
       s.conversations_total::int, s.conversations_active::int, s.conversations_new::int,
       s.conversations_unanswered::int, s.messages_sent::int, s.messages_received::int, s.replies::int,
       s.avg_minutes::double precision AS avg_response_time_minutes,
       s.median_minutes::double precision AS median_response_time_minutes,
       s.p90_minutes::double precision AS p90_response_time_minutes,
       s.first_response_minutes::double precision AS first_response_time_minutes,
       s.chat_minutes::double precision AS total_chat_time_minutes,
       s.engagement_rate::double precision AS engagement_rate,
       s.leads_generated::int, s.leads_converted::int,
       s.conversion_rate::double precision AS conversion_rate,
       s.hot_leads_open::int, s.follow_ups_due::int,
       s.productivity_score::double precision AS productivity_score,
       CASE WHEN s.messages_sent = 0 THEN 'inactive' WHEN s.messages_sent < 15 THEN 'low'
            WHEN s.messages_sent < 50 THEN 'medium' ELSE 'high' END AS activity_level,
       CASE WHEN s.messages_sent > 0 THEN
           row_number() OVER (PARTITION BY s.tenant_id, s.period, s.messages_sent > 0
                        ORDER BY s.productivity_score DESC, s.leads_converted DESC, s.seller_id)::int
       END AS rank_position,
       now() AS computed_at
FROM scored s
