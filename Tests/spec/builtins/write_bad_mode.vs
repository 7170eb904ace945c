write("/tmp/vcdscript-spec-write-mode.txt", "x", mode: 99999999999)
# expect error: write(): mode must be file permissions such as 0o600 (384), not 99999999999
