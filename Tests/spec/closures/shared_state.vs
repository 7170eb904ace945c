fn account() {
    var balance = 0
    let deposit = fn(x) { balance += x }
    let read = fn() { balance }
    return {deposit: deposit, read: read}
}
let a = account()
a.deposit(5)
a.deposit(7)
print(a.read())  # expect: 12
