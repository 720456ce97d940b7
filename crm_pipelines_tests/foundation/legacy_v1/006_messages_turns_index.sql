-- seller_metrics: where each conversation stood when a window opens (its last customer/seller
-- message, and the open customer turn). A refresh of today looks this up for every active
-- conversation, touched today or not: with messages_conversation_created_idx alone every lookup
-- visits the heap to read sender_type and skip bot/system lines (48 us each, measured at the
-- benchmark's medium scale); with the sender in the index and bot/system lines left out it is an
-- index-only scan of one entry (4 us). Customer/seller messages only: bot and system messages
-- never open or answer a turn. Costs one more index entry per message written by the CRM.
CREATE INDEX IF NOT EXISTS messages_conversation_turns_idx
    ON messages (conversation_id, created_at, id) INCLUDE (sender_type)
    WHERE sender_type IN ('customer', 'seller');
