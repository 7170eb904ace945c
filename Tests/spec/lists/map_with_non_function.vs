print([1].map(5))
# expect error: list.map(): argument fn must be a function, not int
