print('no ${interp} here \n')  # expect: no ${interp} here \n
print(len('\n'))  # expect: 2
print('say "hi"')  # expect: say "hi"
