param ova: string = "x.ova", required
# expect error: parameter ova is required and has a default
# expect exit: 65
