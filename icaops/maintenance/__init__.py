"""Trouble tickets (Article V): reports, trouble isolation, dispatches and their charges,
restoration, escalation and TSP priority, as a frozen fold over dated events."""
