param kubeconfig = env("KUBECONFIG", "")
# expect error: give parameter kubeconfig a type: its default is not a literal
# expect exit: 65
