let pw = secret(env: "VCDSCRIPT_SPEC_SURELY_UNSET_VARIABLE")
# expect error: environment variable VCDSCRIPT_SPEC_SURELY_UNSET_VARIABLE is not set
