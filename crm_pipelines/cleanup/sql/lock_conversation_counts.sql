-- One rebuild at a time (this lock conflicts with itself), while the CRM's triggers keep
-- inserting (ROW EXCLUSIVE does not conflict with it) and seller_metrics keeps reading.
-- Taken before the rebuild's statement, whose snapshot then sees every rebuild before it.
LOCK TABLE seller_conversation_counts IN SHARE UPDATE EXCLUSIVE MODE
