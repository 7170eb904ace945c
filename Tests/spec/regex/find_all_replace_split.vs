let text = "ips: 10.0.0.1, 10.0.0.2 and 192.168.1.254"
print(re.findAll('\d+\.\d+\.\d+\.\d+', text).map(fn(m) { m.text }))  # expect: ["10.0.0.1", "10.0.0.2", "192.168.1.254"]
print(re.replace('(\d+)\.(\d+)\.\d+\.\d+', text, "$1.$2.x.x"))  # expect: ips: 10.0.x.x, 10.0.x.x and 192.168.x.x
print(re.replace("o", "foo boo", "0", count: 2))  # expect: f00 boo
print(re.replace('\w+', "make it loud", fn(m) { m.text.upper() }))  # expect: MAKE IT LOUD
print(re.split('\s*,\s*', "a , b,c ,  d"), re.split(",", "a,b,c", limit: 2))  # expect: ["a", "b", "c", "d"] ["a", "b,c"]
print(re.escape("1.2.3.4"), re.findAll("z", "abc"))  # expect: 1\.2\.3\.4 []
# An empty pattern matches the empty text between characters; split does not cut on empty matches.
print(re.replace("", "ab", "-"), re.split("", "abc"), re.match("", "") != nil)  # expect: -a-b- ["abc"] true
