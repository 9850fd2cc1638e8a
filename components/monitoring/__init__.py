"""The alarms (pipeline, per service, outside), their building blocks, and the dashboard."""
