# Run without a command line, a required parameter has no value: an error at its declaration.
param ova: string, required, doc: "the OVA to upload"
print("never")
# expect error: parameter ova is required and was not given
# expect exit: 1
