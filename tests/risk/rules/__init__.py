"""The pure engine, rule by rule, on frames built by hand: no database.

Every person starts neutral (nothing fires for them), so each case adds just the facts it is
about. Dates are days before the as-of date; a negative number is after it. One module per
family of rules, plus the population the engine looks at, the tiers, the reasons' wording and
determinism.
"""
