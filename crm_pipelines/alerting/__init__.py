"""Run-failure alerting to Slack, Teams, email and Socket.IO."""
