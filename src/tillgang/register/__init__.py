"""The internal-control register: boards, plans, risks, control activities and follow-ups (design §6)."""
