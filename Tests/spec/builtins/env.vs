print(env("VCDSCRIPT_SPEC_SURELY_UNSET_VARIABLE"), env("VCDSCRIPT_SPEC_SURELY_UNSET_VARIABLE", "fallback"))  # expect: nil fallback
print(type(env("PATH", "")))  # expect: string
