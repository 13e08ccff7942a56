import Foundation

/// Great-circle distance on a spherical Earth (haversine formula): accurate to about 0.5 %, which is plenty
/// when GeoIP coordinates are themselves only city-accurate.
public enum GreatCircle {
    /// Mean Earth radius (IUGG), km.
    public static let earthRadiusKm = 6371.0088

    /// Distance in km between two points given in degrees; 0 for non-finite input.
    public static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        guard lat1.isFinite, lon1.isFinite, lat2.isFinite, lon2.isFinite else { return 0 }
        let radians = Double.pi / 180
        let phi1 = lat1 * radians
        let phi2 = lat2 * radians
        let deltaPhi = (lat2 - lat1) * radians
        let deltaLambda = (lon2 - lon1) * radians
        let a = sin(deltaPhi / 2) * sin(deltaPhi / 2)
            + cos(phi1) * cos(phi2) * sin(deltaLambda / 2) * sin(deltaLambda / 2)
        let c = 2 * atan2(sqrt(min(1, a)), sqrt(max(0, 1 - a)))
        return earthRadiusKm * c
    }
}
