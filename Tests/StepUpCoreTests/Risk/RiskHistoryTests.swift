import Foundation
import StepUpCore
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskHistoryTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func staysBounded() {
        var history = RiskHistory()
        let caps = RiskHistory.Caps(countries: 3, signIns: 4, devices: 2, hourTotal: 100)
        for index in 0..<1000 {
            history = history.recording(RiskEvent(time: start.addingTimeInterval(Double(index) * 3700),
                                                  country: "C\(index % 7)", deviceID: "device-\(index)"), caps: caps)
        }
        #expect(history.countries.count == 3)
        #expect(history.signIns.count == 4)
        #expect(history.devices.map(\.id) == ["device-998", "device-999"])
        #expect(history.hourTotal <= 100)
        #expect(history.encoded().count < 2000)
    }

    @Test func revisitingMovesACountryToMostRecent() {
        var history = RiskHistory()
        history = history.recording(RiskEvent(time: start, country: "us"))
        history = history.recording(RiskEvent(time: start.addingTimeInterval(10), country: "FR"))
        history = history.recording(RiskEvent(time: start.addingTimeInterval(20), country: "US"))
        #expect(history.countries.map(\.code) == ["FR", "US"])
        #expect(history.countries[1].firstSeen == start)
        #expect(history.countries[1].lastSeen == start.addingTimeInterval(20))
        #expect(history.knowsCountry("fr"))
        #expect(history.lastWithCountry?.country == "US")
    }

    @Test func countriesCompareIgnoringCaseOnly() {
        let history = RiskHistory().recording(RiskEvent(time: start, country: "De"))
        for code in ["de", "DE", "dE", "De"] { #expect(history.knowsCountry(code)) }
        for code in ["d", "dee", "DF", "", "d\u{0301}", "ÐE"] { #expect(!history.knowsCountry(code)) }
        // Beyond ASCII the comparison is Foundation's, as before.
        let other = RiskHistory().recording(RiskEvent(time: start, country: "Ää"))
        #expect(other.knowsCountry("ää") && other.knowsCountry("ÄÄ") && !other.knowsCountry("aa"))
    }

    @Test func blobRoundTripsAndGarbageIsEmpty() {
        let history = RiskHistory().recording(RiskEvent(time: start, ip: "192.0.2.1", country: "DE",
                                                        latitude: 52.5, longitude: 13.4, deviceID: "d1"))
        #expect(RiskHistory.decoded(history.encoded()) == history)
        #expect(RiskHistory.decoded(nil) == RiskHistory())
        #expect(RiskHistory.decoded(Data("{not json".utf8)) == RiskHistory())
        #expect(RiskHistory.decoded(Data(#"{"version":1,"countries":[],"signIns":[],"devices":[],"hours":[1]}"#.utf8))
            .hours.count == 24)
    }

    @Test func hourBucketsAreUTC() {
        let history = RiskHistory().recording(RiskEvent(time: Date(timeIntervalSince1970: 3 * 3600 + 59)))
        #expect(history.hours[3] == 1)
        let before1970 = RiskHistory().recording(RiskEvent(time: Date(timeIntervalSince1970: -3600)))
        #expect(before1970.hours[23] == 1)
    }
}
