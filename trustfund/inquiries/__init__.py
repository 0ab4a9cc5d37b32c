"""Residents' questions (质询) on published disclosure lines, and the committee's answers."""
