"""Analysis helpers for Vietnam's New Rural Development (nông thôn mới) criteria review."""
