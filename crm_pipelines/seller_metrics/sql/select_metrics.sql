-- seller_metrics (SPEC section 2) for every active seller of every tenant and every local day
-- D in [:start_date, :end_date) that has begun by :now, in one set-based pass. One statement on
-- purpose: the planner sees every part at once and joins them on keys.
--
-- Params: :start_date, :end_date (dates, end exclusive), :now (timestamptz), :tz (IANA name),
-- :unanswered_hours, :hot_threshold, :hot_idle_hours. Run it with jit = off (see
-- tune_transaction.sql): JIT-compiling this long statement costs more than running it.
--
-- Contents (the CTEs in order; search for "<name> AS"):
--   bounds                      the window's constants: first and last day, its instants, thresholds
--   -- messages and conversations of the window
--   window_messages             messages created in the window (per tenant, by index)
--   window_conversations        the distinct conversations those messages belong to
--   window_messages_joined      each window message with its conversation's assignee, creation, status
--   -- where conversations stood before the window
--   older_window_conversations  window conversations created before the window
--   state_before_window         their last customer/seller message before it, and the open turn's start
--   idle_unanswered_from        active conversations silent in the window but waiting on a seller:
--                               per seller, from which day they count as unanswered
--   -- turns and replies
--   turn_messages               customer and seller messages in order, each conversation headed by
--                               its state before the window
--   turn_messages_ordered       the same with the previous sender, the next message and the turn start
--   reply_messages              the seller messages that answer a turn, with their response minutes
--   unanswered_spans            per customer message left unanswered: the days it counts as unanswered
--   -- per seller and day
--   seller_day_facts            every fact about a (seller, day), one row each (UNION ALL of all above,
--                               plus the grid, totals, leads, hot leads and follow-ups)
--   seller_day_sums             the facts summed per (seller, day)
--   seller_day_states           running sums: the states at each day's cut-off (totals, unanswered,
--                               hot leads, follow-ups, the 30-day lead counts)
--   seller_day_rates            engagement_rate and conversion_rate
--   seller_day_scores           productivity_score
--   (final SELECT)              the table's columns, activity_level and rank_position
--
-- The cut-off of D is C = least(end of D, :now): only the window's last day can be "today", so
-- every message the window may see lies in [start of the window, least(end of window, :now)).
-- Metrics that are a state at C (totals, unanswered, hot leads, follow-ups) become "from this
-- day on" events summed over the days, instead of one probe per day.
--
-- Shape: every per-(seller, day) fact is one row of `seller_day_facts` (the grid of active sellers
-- x days among them), folded by ONE GROUP BY and window functions; large intermediate sets are
-- joined to base tables (by index or hash), and to each other only by equality on a key (a message
-- to its conversation), so that a plan built on poor estimates (freshly loaded tables) stays linear.
--
-- What a one-day refresh (today's, every 15 minutes) reads: the day's messages, one index-only
-- probe per conversation they touch and per active conversation, per seller a dozen rows of
-- seller_conversation_counts and an index-only count of the current month's conversations, the
-- open leads and the last 30 days' leads; not the history behind them.
--
-- Bad source rows never stop the others: messages of an unknown sender type are ignored; a
-- seller message whose seller_id is no active seller of its tenant still answers the customer's
-- turn but counts for nobody; conversations and leads assigned to a seller of another tenant
-- count for nobody; messages dated before their conversation was created are not looked for
-- before the window. The asset checks report such rows.
WITH bounds AS NOT MATERIALIZED (
    -- Constants only: inlined, so the planner sees literal bounds for the index range scans.
    SELECT CAST(:start_date AS date) AS first_day,
           least(CAST(:end_date AS date) - 1, (CAST(:now AS timestamptz) AT TIME ZONE :tz)::date) AS last_day,
           CAST(:start_date AS timestamp) AT TIME ZONE :tz AS ws,
           -- the UTC month the window starts in (seller_conversation_counts' key), as a date and an instant
           date_trunc('month', CAST(:start_date AS timestamp) AT TIME ZONE :tz AT TIME ZONE 'UTC')::date AS ws_month,
           date_trunc('month', CAST(:start_date AS timestamp) AT TIME ZONE :tz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS ws_month_start,
           least(CAST(:end_date AS timestamp) AT TIME ZONE :tz, CAST(:now AS timestamptz)) AS eff_end,
           -- conversion_rate looks at the 30 local days ending D
           (CAST(:start_date AS date) - 29)::timestamp AT TIME ZONE :tz AS leads_ws,
           make_interval(secs => CAST(:unanswered_hours AS double precision) * 3600) AS unanswered_after,
           make_interval(secs => CAST(:hot_idle_hours AS double precision) * 3600) AS hot_idle,
           CAST(:hot_threshold AS numeric) AS hot_threshold
),

-- Messages of the window (index messages (tenant_id, created_at), one range per tenant).
window_messages AS (
    SELECT m.id, m.tenant_id, m.conversation_id, m.sender_type, m.seller_id, m.created_at
    FROM bounds
    CROSS JOIN tenants t
    JOIN messages m ON m.tenant_id = t.id AND m.created_at >= bounds.ws AND m.created_at < bounds.eff_end
    WHERE m.sender_type IN ('customer', 'seller', 'bot', 'system')
),
-- The window's conversations, each read once and only when of the message's tenant. Joined as
-- a distinct set (MATERIALIZED), the planner sees a day's few thousand conversations and reads
-- them by primary key; joined to every message, it would hash the whole of conversations to serve
-- one day. A long backfill, with most conversations in its window, still gets the hash join.
window_conversations AS MATERIALIZED (
    SELECT d.conversation_id, d.tenant_id, c.assigned_seller_id, c.created_at, c.status
    FROM (SELECT DISTINCT r.conversation_id, r.tenant_id FROM window_messages r) d
    JOIN conversations c ON c.id = d.conversation_id AND c.tenant_id = d.tenant_id
),
-- Each window message with its conversation.
window_messages_joined AS (
    SELECT r.id, r.tenant_id, r.conversation_id, r.sender_type, r.seller_id, r.created_at,
           (r.created_at AT TIME ZONE :tz)::date AS day,
           c.assigned_seller_id, c.created_at AS conversation_created_at, c.status AS conversation_status
    FROM window_messages r
    JOIN window_conversations c ON c.conversation_id = r.conversation_id AND c.tenant_id = r.tenant_id
),

-- Where a conversation stood when the window opened, for the conversations that existed before
-- it and have messages in it (their history decides which turn a reply in the window answers):
-- its last customer/seller message, and when that is the customer's, when the open turn started.
-- Index-only scans of messages_conversation_turns_idx (sql/crm/spec/indexes.sql). A conversation with only bot or
-- system lines in the window is looked up here too: its state before the window is what counts
-- for it (the same as for an untouched one, below).
older_window_conversations AS (
    SELECT c.conversation_id, c.tenant_id, c.created_at, c.status, c.assigned_seller_id
    FROM window_conversations c, bounds
    WHERE c.created_at < bounds.ws
),
state_before_window AS (
    SELECT cc.conversation_id, cc.tenant_id, cc.created_at AS conversation_created_at,
           cc.status AS conversation_status, cc.assigned_seller_id,
           lm.sender_type AS last_sender, lm.created_at AS last_at, ft.created_at AS open_turn_start
    FROM bounds
    CROSS JOIN older_window_conversations cc
    CROSS JOIN LATERAL (
        SELECT m.sender_type, m.created_at FROM messages m
        WHERE m.conversation_id = cc.conversation_id AND m.created_at < bounds.ws
          AND m.sender_type IN ('customer', 'seller')
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) lm
    -- the open turn's start, only when the customer spoke last (the test on the outer row skips
    -- these index scans when the seller did)
    LEFT JOIN LATERAL (
        SELECT m.created_at, m.id FROM messages m
        WHERE lm.sender_type = 'customer'
          AND m.conversation_id = cc.conversation_id AND m.created_at < bounds.ws AND m.sender_type = 'seller'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) ls ON true
    LEFT JOIN LATERAL (
        SELECT m.created_at FROM messages m
        WHERE lm.sender_type = 'customer'
          AND m.conversation_id = cc.conversation_id AND m.created_at < bounds.ws AND m.sender_type = 'customer'
          AND (m.created_at, m.id) > (coalesce(ls.created_at, '-infinity'), coalesce(ls.id, 0))
        ORDER BY m.created_at, m.id LIMIT 1
    ) ft ON true
),
-- Active conversations with no customer/seller message in the window: nothing in the window
-- changes their turn, so they are unanswered from the day their last message before it is
-- UNANSWERED_CONVERSATION_HOURS old (when that message is the customer's) to the window's end.
-- One index-only probe each; they never enter the per-message windows below.
idle_unanswered_from AS (
    SELECT s.id AS seller_id, s.tenant_id, greatest((t.since AT TIME ZONE :tz)::date, bounds.first_day) AS from_day,
           count(*) AS conversations
    FROM bounds
    CROSS JOIN (
        SELECT c.id, c.tenant_id, c.assigned_seller_id, c.created_at FROM conversations c, bounds
        WHERE c.status = 'active' AND c.created_at < bounds.ws
        ORDER BY c.id OFFSET 0
    ) c
    JOIN sellers s ON s.id = c.assigned_seller_id AND s.tenant_id = c.tenant_id AND s.is_active
    CROSS JOIN LATERAL (
        SELECT m.sender_type, m.created_at FROM messages m
        WHERE m.conversation_id = c.id AND m.created_at < bounds.ws
          AND m.sender_type IN ('customer', 'seller')
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) lm
    CROSS JOIN LATERAL (
        SELECT greatest(lm.created_at + bounds.unanswered_after, c.created_at) AS since
    ) t
    WHERE lm.sender_type = 'customer' AND t.since < bounds.eff_end
      AND NOT EXISTS (SELECT 1 FROM older_window_conversations x WHERE x.conversation_id = c.id)
    GROUP BY s.id, s.tenant_id, greatest((t.since AT TIME ZONE :tz)::date, bounds.first_day)
),
-- Customer and seller messages in (created_at, id) order, bot and system ones left out (they
-- neither open nor answer a turn), each conversation headed by its state before the window.
turn_messages AS (
    SELECT p.conversation_id, p.tenant_id, p.conversation_created_at, p.conversation_status,
           p.assigned_seller_id, 0 AS in_window,
           p.last_sender AS sender_type, NULL::uuid AS seller_id, p.last_at AS created_at, 0::bigint AS id,
           p.open_turn_start AS turn_start_at
    FROM state_before_window p
    UNION ALL
    SELECT w.conversation_id, w.tenant_id, w.conversation_created_at, w.conversation_status,
           w.assigned_seller_id, 1,
           w.sender_type, w.seller_id, w.created_at, w.id, w.created_at
    FROM window_messages_joined w
    WHERE w.sender_type IN ('customer', 'seller')
),
turn_messages_ordered AS (
    -- a customer message after a seller message (or opening the thread) starts a turn; the turn
    -- in progress is the latest one started so far. Both windows share one sort (the inner query
    -- is used only here, so PostgreSQL keeps its order).
    SELECT o.*,
           max(CASE WHEN o.sender_type = 'customer' AND o.prev_sender IS DISTINCT FROM 'customer'
                    THEN o.turn_start_at END)
               OVER (PARTITION BY o.conversation_id ORDER BY o.in_window, o.created_at, o.id
                     ROWS UNBOUNDED PRECEDING) AS turn_start
    FROM (
        SELECT q.*,
               lag(q.sender_type) OVER w AS prev_sender,
               lead(q.created_at) OVER w AS next_at,
               min(q.in_window) OVER (PARTITION BY q.conversation_id) = 1 AS no_history
        FROM turn_messages q
        WINDOW w AS (PARTITION BY q.conversation_id ORDER BY q.in_window, q.created_at, q.id)
    ) o
),
reply_messages AS (
    -- the first seller message after a customer message answers the turn in progress
    SELECT t.conversation_id, t.tenant_id, t.seller_id, t.no_history, t.conversation_created_at,
           (t.created_at AT TIME ZONE :tz)::date AS day,
           extract(epoch FROM t.created_at - t.turn_start) / 60 AS minutes,
           row_number() OVER (PARTITION BY t.conversation_id ORDER BY t.created_at, t.id) AS nth
    FROM turn_messages_ordered t
    WHERE t.in_window = 1 AND t.sender_type = 'seller' AND t.prev_sender = 'customer'
),
unanswered_spans AS (
    -- a customer message is the conversation's last one before C, and older than
    -- UNANSWERED_CONVERSATION_HOURS, for C in (message + hours, next message]: the local days
    -- [from_day, to_day] (the first day whose C > t is t's local day). Most customer messages
    -- are answered the same day (an empty span): dropped before the join to sellers.
    SELECT s.id AS seller_id, s.tenant_id, x.from_day, x.to_day
    FROM (
        SELECT o.assigned_seller_id, o.tenant_id, f.from_day,
               CASE WHEN o.next_at IS NULL THEN bounds.last_day ELSE (o.next_at AT TIME ZONE :tz)::date - 1 END AS to_day
        FROM bounds
        CROSS JOIN turn_messages_ordered o
        CROSS JOIN LATERAL (
            SELECT greatest(o.created_at + bounds.unanswered_after, o.conversation_created_at) AS since
        ) t
        CROSS JOIN LATERAL (
            SELECT greatest((t.since AT TIME ZONE :tz)::date, bounds.first_day) AS from_day
        ) f
        WHERE o.sender_type = 'customer' AND o.conversation_status = 'active' AND t.since < bounds.eff_end
    ) x
    JOIN sellers s ON s.id = x.assigned_seller_id AND s.tenant_id = x.tenant_id AND s.is_active
    WHERE x.from_day <= x.to_day
),

-- Every fact about a (seller, tenant, day), one row each; summed by the GROUP BY below.
-- Columns: grid, total, new, unanswered, hot, followup (state deltas), active, engaged, chat,
-- received, sent, replies, avg/median/p90, first response, generated, converted.
seller_day_facts AS (
    -- the grid: every active seller on every day of the window
    SELECT s.id AS seller_id, s.tenant_id, bounds.first_day + i AS day, 1 AS grid,
           0 AS total, 0 AS new, 0 AS unanswered, 0 AS hot, 0 AS followup,
           0 AS active, 0 AS engaged, 0::numeric AS chat, 0 AS received, 0 AS sent, 0 AS replies,
           NULL::numeric AS avg_min, NULL::double precision AS median_min, NULL::double precision AS p90_min,
           NULL::numeric AS first_min, 0 AS generated, 0 AS converted,
           0 AS generated_30d, 0 AS converted_30d
    FROM bounds
    CROSS JOIN sellers s
    CROSS JOIN generate_series(0, bounds.last_day - bounds.first_day) AS i
    WHERE s.is_active
    UNION ALL
    -- conversations_total: created before the window, counted from its first day on: the
    -- months before the window's UTC month from seller_conversation_counts (sql/003, kept by
    -- triggers, a dozen rows a seller-year), that month up to the window from the index
    SELECT s.id, s.tenant_id, bounds.first_day, 0, coalesce(k.months, 0) + n.this_month, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM bounds
    CROSS JOIN sellers s
    CROSS JOIN LATERAL (
        SELECT sum(k.conversations) AS months FROM seller_conversation_counts k
        WHERE k.seller_id = s.id AND k.tenant_id = s.tenant_id AND k.month < bounds.ws_month
    ) k
    CROSS JOIN LATERAL (
        SELECT count(*) AS this_month FROM conversations c
        WHERE c.assigned_seller_id = s.id AND c.tenant_id = s.tenant_id
          AND c.created_at >= bounds.ws_month_start AND c.created_at < bounds.ws
    ) n
    WHERE s.is_active
    UNION ALL
    -- conversations_new, and the total's growth: created on D before C
    SELECT c.assigned_seller_id, c.tenant_id, (c.created_at AT TIME ZONE :tz)::date, 0, 1, 1, 0, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM bounds
    CROSS JOIN sellers s
    JOIN conversations c ON c.assigned_seller_id = s.id AND c.tenant_id = s.tenant_id
                        AND c.created_at >= bounds.ws AND c.created_at < bounds.eff_end
    WHERE s.is_active
    UNION ALL
    -- unanswered from from_day, no longer from the day after to_day
    SELECT i.seller_id, i.tenant_id, i.from_day, 0, 0, 0, i.conversations, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM idle_unanswered_from i
    UNION ALL
    SELECT u.seller_id, u.tenant_id, u.from_day, 0, 0, 0, 1, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM unanswered_spans u
    UNION ALL
    SELECT u.seller_id, u.tenant_id, u.to_day + 1, 0, 0, 0, -1, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM unanswered_spans u, bounds WHERE u.to_day < bounds.last_day
    UNION ALL
    -- hot leads: probability above the threshold, new/contacted, created before C and idle
    -- (last contact null or more than HOT_LEAD_IDLE_HOURS before C); counted per seller and day
    -- here so that tens of thousands of open leads do not each become a row of seller_day_facts.
    -- A probability outside 0..1 counts for nothing: PostgreSQL orders numeric 'NaN' above every
    -- number (and 'Infinity' is above 1), so "> threshold" alone would make them hot; `<= 1`
    -- keeps the scan a range of the same index. The lead_probability_in_range check flags them.
    SELECT l.assigned_seller_id, l.tenant_id, greatest((h.since AT TIME ZONE :tz)::date, bounds.first_day),
           0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM bounds
    CROSS JOIN leads l
    CROSS JOIN LATERAL (SELECT greatest(l.created_at, l.last_contact_time + bounds.hot_idle) AS since) h
    WHERE l.status IN ('new', 'contacted') AND l.conversion_probability > bounds.hot_threshold
      AND l.conversion_probability <= 1
      AND h.since < bounds.eff_end
    GROUP BY l.assigned_seller_id, l.tenant_id, 3
    UNION ALL
    -- follow-ups due: interested/negotiation, next_follow_up <= C, created before C (per seller and day)
    SELECT l.assigned_seller_id, l.tenant_id,
           greatest((l.created_at AT TIME ZONE :tz)::date,
                    ((l.next_follow_up - interval '1 microsecond') AT TIME ZONE :tz)::date, bounds.first_day),
           0, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM bounds
    CROSS JOIN leads l
    WHERE l.status IN ('interested', 'negotiation')
      AND l.next_follow_up <= bounds.eff_end AND l.created_at < bounds.eff_end
    GROUP BY l.assigned_seller_id, l.tenant_id, 3
    UNION ALL
    -- per conversation and day (any sender): active, engaged (the assignee wrote), chat time,
    -- customer messages; for the conversation's assignee
    SELECT w.assigned_seller_id, w.tenant_id, w.day, 0, 0, 0, 0, 0, 0,
           1, CASE WHEN bool_or(w.sender_type = 'seller' AND w.seller_id = w.assigned_seller_id) THEN 1 ELSE 0 END,
           extract(epoch FROM max(w.created_at) - min(w.created_at)) / 60,
           count(*) FILTER (WHERE w.sender_type = 'customer'), 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM window_messages_joined w
    WHERE w.assigned_seller_id IS NOT NULL
    GROUP BY w.conversation_id, w.assigned_seller_id, w.tenant_id, w.day
    UNION ALL
    -- messages sent, by the seller who sent them
    SELECT w.seller_id, w.tenant_id, w.day, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, count(*), 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0
    FROM window_messages_joined w
    WHERE w.sender_type = 'seller' AND w.seller_id IS NOT NULL
    GROUP BY w.seller_id, w.tenant_id, w.day
    UNION ALL
    -- replies and their response times, by the seller who replied
    SELECT r.seller_id, r.tenant_id, r.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*), avg(r.minutes),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.minutes::double precision),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY r.minutes::double precision),
           -- first response: conversations created on D whose first reply came from the seller
           avg(r.minutes) FILTER (WHERE r.nth = 1 AND r.no_history
                                    AND (r.conversation_created_at AT TIME ZONE :tz)::date = r.day),
           0, 0, 0, 0
    FROM reply_messages r
    WHERE r.seller_id IS NOT NULL
    GROUP BY r.seller_id, r.tenant_id, r.day
    UNION ALL
    -- leads generated / converted on D, and over the 30 local days ending D (conversion rate) as
    -- events: the leads of local day L count from max(L, first day) (+n) until L + 30 (-n),
    -- summed from the window's first day on like the states above, so that the 29 days before
    -- the window never become rows of their own. Read per seller, index-only (leads_seller_tenant_*_idx).
    SELECT g.seller_id, g.tenant_id, e.day, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL,
           sum(e.on_day * g.generated), sum(e.on_day * g.converted),
           sum(e.delta * g.generated), sum(e.delta * g.converted)
    FROM bounds
    CROSS JOIN (
        SELECT l.assigned_seller_id AS seller_id, l.tenant_id, (l.created_at AT TIME ZONE :tz)::date AS day,
               count(*) AS generated, 0 AS converted
        FROM bounds
        CROSS JOIN sellers s
        JOIN leads l ON l.assigned_seller_id = s.id AND l.tenant_id = s.tenant_id
                    AND l.created_at >= bounds.leads_ws AND l.created_at < bounds.eff_end
        WHERE s.is_active
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT l.assigned_seller_id, l.tenant_id, (l.converted_at AT TIME ZONE :tz)::date, 0, count(*)
        FROM bounds
        CROSS JOIN sellers s
        JOIN leads l ON l.assigned_seller_id = s.id AND l.tenant_id = s.tenant_id
                    AND l.converted_at >= bounds.leads_ws AND l.converted_at < bounds.eff_end
        WHERE s.is_active
        GROUP BY 1, 2, 3
    ) g
    CROSS JOIN LATERAL (VALUES (greatest(g.day, bounds.first_day), 1, CASE WHEN g.day >= bounds.first_day THEN 1 ELSE 0 END),
                               (g.day + 30, -1, 0)) AS e (day, delta, on_day)
    WHERE e.day <= bounds.last_day
    GROUP BY g.seller_id, g.tenant_id, e.day
),

seller_day_sums AS (
    -- facts of a seller under another tenant (bad rows) form groups without a grid row: dropped below
    SELECT f.seller_id, f.tenant_id, f.day, max(f.grid) AS grid,
           sum(f.total) AS total, sum(f.new) AS new, sum(f.unanswered) AS unanswered,
           sum(f.hot) AS hot, sum(f.followup) AS followup,
           sum(f.active) AS active, sum(f.engaged) AS engaged, sum(f.chat) AS chat,
           sum(f.received) AS received, sum(f.sent) AS sent, sum(f.replies) AS replies,
           max(f.avg_min) AS avg_min, max(f.median_min) AS median_min, max(f.p90_min) AS p90_min,
           max(f.first_min) AS first_min, sum(f.generated) AS generated, sum(f.converted) AS converted,
           sum(f.generated_30d) AS generated_30d_delta, sum(f.converted_30d) AS converted_30d_delta
    FROM seller_day_facts f
    GROUP BY f.seller_id, f.tenant_id, f.day
),
seller_day_states AS (
    SELECT d.*,
           sum(d.total) OVER upto AS conversations_total,
           sum(d.unanswered) OVER upto AS conversations_unanswered,
           sum(d.hot) OVER upto AS hot_leads_open,
           sum(d.followup) OVER upto AS follow_ups_due,
           sum(d.generated_30d_delta) OVER upto AS generated_30d,
           sum(d.converted_30d_delta) OVER upto AS converted_30d
    FROM seller_day_sums d
    WINDOW upto AS (PARTITION BY d.seller_id, d.tenant_id ORDER BY d.day ROWS UNBOUNDED PRECEDING)
),
seller_day_rates AS (
    SELECT r.*,
           r.engaged::numeric / nullif(r.active, 0) AS engagement_rate,
           r.converted_30d::numeric / nullif(r.generated_30d, 0) AS conversion_rate
    FROM seller_day_states r, bounds
    WHERE r.grid = 1 AND r.day >= bounds.first_day
),
seller_day_scores AS (
    -- productivity_score = round(10 × (0.30·R + 0.25·E + 0.25·V + 0.20·W), 2), in exact numerics
    SELECT s.*,
           round(10 * (
               0.30 * CASE WHEN s.replies > 0 THEN 1 - least(s.avg_min, 60) / 60 ELSE 0 END
             + 0.25 * coalesce(s.engagement_rate, 0)
             + 0.25 * least(coalesce(s.conversion_rate, 0), 1)
             + 0.20 * least(s.replies / 20.0, 1)
           ), 2) AS productivity_score
    FROM seller_day_rates s
)
SELECT f.tenant_id, f.seller_id, f.day AS period,
       f.conversations_total::int, f.active::int AS conversations_active, f.new::int AS conversations_new,
       f.conversations_unanswered::int, f.sent::int AS messages_sent, f.received::int AS messages_received,
       f.replies::int,
       f.avg_min::double precision AS avg_response_time_minutes,
       f.median_min AS median_response_time_minutes,
       f.p90_min AS p90_response_time_minutes,
       f.first_min::double precision AS first_response_time_minutes,
       f.chat::double precision AS total_chat_time_minutes,
       f.engagement_rate::double precision AS engagement_rate,
       f.generated::int AS leads_generated, f.converted::int AS leads_converted,
       f.conversion_rate::double precision AS conversion_rate,
       f.hot_leads_open::int, f.follow_ups_due::int,
       f.productivity_score::double precision AS productivity_score,
       CASE WHEN f.sent = 0 THEN 'inactive' WHEN f.sent < 15 THEN 'low'
            WHEN f.sent < 50 THEN 'medium' ELSE 'high' END AS activity_level,
       CASE WHEN f.sent > 0 THEN
           row_number() OVER (PARTITION BY f.tenant_id, f.day, f.sent > 0
                              ORDER BY f.productivity_score DESC, f.converted DESC, f.seller_id)::int
       END AS rank_position,
       now() AS computed_at
FROM seller_day_scores f
