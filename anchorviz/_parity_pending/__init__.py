"""Parity handlers for the assigner goldens (assign_*.json), waiting to move to anchorviz/parity/handlers/."""
