"""Tests of cases' audit: the one access event per response that shows health data, the
history every clinical write leaves, break-glass access, and the append-only audit stores."""
