let ok = !true
# expect error: "!" is not an operator in vcdscript
# expect error: use `not` for negation
