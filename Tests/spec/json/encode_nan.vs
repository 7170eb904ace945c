json.encode([float("nan")])
# expect error: JSON has no nan
