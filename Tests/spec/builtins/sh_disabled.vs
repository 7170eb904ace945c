# The spec runner's host does not allow sh(): a host fault, exit code 70.
sh("echo", "hi")
# expect error: error[host]: sh() is disabled in this host
# expect exit: 70
