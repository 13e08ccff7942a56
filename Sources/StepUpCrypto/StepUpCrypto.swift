// StepUpCrypto
