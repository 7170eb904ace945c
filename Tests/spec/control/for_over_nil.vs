let vms = nil
for vm in vms { print(vm) }
# expect error: cannot iterate over nil
# expect error: use ?? [] to loop over nothing
