let s = "vapp-web-01"
print(s.contains("web"), s.contains("db"))  # expect: true false
print(s.startsWith("vapp"), s.endsWith("01"))  # expect: true true
print(s.indexOf("web"), s.indexOf("zzz"))  # expect: 5 -1
print(s.replace("-", "_"))  # expect: vapp_web_01
print("aaa".replace("a", "bb"))  # expect: bbbbbb
