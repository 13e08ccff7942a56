print("stepup")
