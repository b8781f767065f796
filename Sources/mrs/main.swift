print("mrs 0.1.0")
