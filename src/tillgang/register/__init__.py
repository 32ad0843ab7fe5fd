"""The internal-control register: boards, plans, risks, control activities and follow-ups (docs/register.md)."""
