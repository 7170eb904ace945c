let gw = nil
print(gw.name)
# expect error: cannot read .name of nil
# expect error: use ?.name to get nil instead
