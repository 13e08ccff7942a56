import Foundation
import StepUpCore
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskHelpersTests {
    @Test(arguments: [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
         "Chrome"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
         + "Safari/537.36 Edg/120.0.2210.91", "Edge"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
         + "Safari/605.1.15", "Safari"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         + "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1", "Chrome"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox"),
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 OPR/106.0", "Opera"),
        ("curl/8.5.0", "curl"), ("python-requests/2.31.0", "python-requests"), ("Wget/1.21.4", "Wget"),
        ("Go-http-client/2.0", "Go-http-client"), ("okhttp/4.12.0", "okhttp"), ("SomethingElse/1.0", "Other"),
    ])
    func userAgentFamilies(userAgent: String, family: String) {
        #expect(UserAgentFamily(userAgent)?.name == family)
    }

    @Test func emptyUserAgentHasNoFamily() {
        #expect(UserAgentFamily(nil) == nil)
        #expect(UserAgentFamily("") == nil)
    }

    @Test func greatCircleDistances() {
        let halfCircumference = Double.pi * GreatCircle.earthRadiusKm
        #expect(abs(GreatCircle.distanceKm(0, 0, 0, 180) - halfCircumference) < 1e-6)
        #expect(abs(GreatCircle.distanceKm(0, 0, 90, 0) - halfCircumference / 2) < 1e-6)
        #expect(GreatCircle.distanceKm(10, 20, 10, 20) == 0)
        // London (51.5074, -0.1278) to Paris (48.8566, 2.3522) is about 344 km.
        #expect(abs(GreatCircle.distanceKm(51.5074, -0.1278, 48.8566, 2.3522) - 343.9) < 1.5)
        #expect(abs(GreatCircle.distanceKm(1, 2, 3, 4) - GreatCircle.distanceKm(3, 4, 1, 2)) < 1e-9)
        #expect(GreatCircle.distanceKm(.nan, 0, 0, 0) == 0)
    }

    @Test func chainedLocatorMergesCountryAndCoordinates() {
        struct Fixed: GeoLocator {
            let location: GeoLocation?
            func locate(_ ip: String) -> GeoLocation? { location }
        }
        let chain = ChainedGeoLocator([Fixed(location: GeoLocation(country: "FR")),
                                       Fixed(location: GeoLocation(country: "DE", latitude: 1, longitude: 2)),
                                       Fixed(location: GeoLocation(country: "FR", latitude: 48.8, longitude: 2.3))])
        #expect(chain.locate("x") == GeoLocation(country: "FR", latitude: 48.8, longitude: 2.3))
        #expect(ChainedGeoLocator([Fixed(location: nil)]).locate("x") == nil)
    }
}
