"""Effect measurement: trend and gap to a reference ("trendbreuk"), and the effect of an area
programme against comparable untreated areas (difference-in-differences with an event study,
synthetic control), with placebo checks and a plain-Dutch verdict.

One module per step: ``paneel`` (areas x waves from the store, on one area classification),
``trend`` (gap to NL / own urbanity class per wave), ``vergelijking`` (choice of comparison
areas), ``did`` and ``synthetisch`` (estimators from well-kept libraries: pyfixest, pysyncon),
``placebo`` (in time and in space, pre-trend), ``oordeel`` (the verdict in words), ``pijplijn``
(orchestration and run record) and ``uitvoer`` (JSON, Excel, Parquet).
"""
