"""Need analysis: themed composite indicators benchmarked per urbanity class (pure core)."""
