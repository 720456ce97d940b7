"""Real servers on loopback for the tests: Socket.IO, SMTP, HTTP webhooks."""
