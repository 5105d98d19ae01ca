export { type CalibrationProfile, CALIBRATION_FORMAT, checkCalibrationProfile } from "./profile.js";
export { calibrationMap } from "./map.js";
export { calibrated, type CalibratedOptions } from "./calibrated.js";
export { loadCalibration } from "./load.js";
