"""The synthetic CS warehouse, one module per family of tables.

`world` simulates each account's latent state month by month (engagement, support
friction, seats, churn); every other module turns that state into contract rows, so
correlations between tables come from one shared cause rather than from coincidence.
"""
