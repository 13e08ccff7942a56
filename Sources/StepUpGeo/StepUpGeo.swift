// StepUpGeo
