#!/usr/bin/env python3
"""Writes MaxMind DB test files with the independent PyPI writer `mmdb-writer` (not StepUp's code).

usage: write_mmdb.py MODE OUTPUT [LIMIT]
  city  IPv6 tree (IPv4 under ::/96) with GeoLite2-City-shaped records and every data type
  v4    IPv4-only tree (ip_version 4)
  big   enough distinct data to force 28-bit search-tree records
  tor   country records for ranges in /usr/share/tor/geoip and geoip6 (first LIMIT rows of each, default 15000)
"""
import sys

from mmdb_writer import MMDBWriter, MmdbF32, MmdbI32, MmdbU64, MmdbU128
from netaddr import IPSet, IPRange


def city(country, lat, lon, city_name):
    return {
        "city": {"geoname_id": 42, "names": {"en": city_name, "de": city_name + "-de"}},
        "continent": {"code": "EU", "names": {"en": "Europe"}},
        "country": {"iso_code": country, "names": {"en": country + " name", "fr": "nom"}},
        "registered_country": {"iso_code": country},
        "location": {"latitude": lat, "longitude": lon, "accuracy_radius": 20, "time_zone": "Europe/X"},
        "subdivisions": [{"iso_code": "S1"}, {"iso_code": "S2"}],
    }


def write_city(path):
    w = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="StepUp-Test-City",
                   languages=["en", "de"], description={"en": "StepUp test city database", "de": "StepUp Testdatenbank"})
    w.insert_network(IPSet(["81.2.69.0/24"]), city("GB", 51.5142, -0.0931, "London"))
    w.insert_network(IPSet(["2.125.160.216/29"]), city("FR", 48.8566, 2.3522, "Paris"))
    w.insert_network(IPSet(["203.0.113.0/24", "198.51.100.0/25"]), city("US", 42.3601, -71.0589, "Boston"))
    w.insert_network(IPSet(["2001:db8:1::/48"]), city("JP", 35.6762, 139.6503, "Tokyo"))
    w.insert_network(IPSet(["2001:db8:2::/48"]), {"registered_country": {"iso_code": "de"}})
    w.insert_network(IPSet(["192.0.2.0/24"]), {
        "flag": True, "off": False, "count": MmdbU64(2**40 + 5), "big": MmdbU128(2**100 + 7),
        "neg": MmdbI32(-12345), "ratio": MmdbF32(0.5), "raw": b"\x00\x01\xff",
        "list": [7, "two", 3.25, {"k": "v"}], "empty": {}, "long": "x" * 300, "longer": "y" * 70000,
    })
    w.to_db_file(path)


def write_v4(path):
    w = MMDBWriter(ip_version=4, database_type="StepUp-Test-Country")
    w.insert_network(IPSet(["10.0.0.0/8"]), {"country": {"iso_code": "NL"}})
    w.insert_network(IPSet(["172.16.5.4/32"]), {"country": {"iso_code": "SE"}, "location": {"latitude": 59.33, "longitude": 18.07}})
    w.to_db_file(path)


def write_big(path):
    w = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="StepUp-Test-Big")
    for i in range(17000):
        network = "10.%d.%d.0/24" % (i // 256, i % 256)
        w.insert_network(IPSet([network]), {"country": {"iso_code": "AA"}, "i": i, "pad": ("%06d" % i) * 170})
    w.to_db_file(path)


def write_tor(path, limit):
    w = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="StepUp-Test-Tor")
    for name in ("/usr/share/tor/geoip", "/usr/share/tor/geoip6"):
        rows = 0
        with open(name) as handle:
            for line in handle:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                low, high, country = line.split(",")
                if country == "??":
                    continue
                if "." not in low and ":" not in low:
                    low, high = int(low), int(high)
                w.insert_network(IPSet(IPRange(low, high)), {"country": {"iso_code": country}})
                rows += 1
                if rows >= limit:
                    break
    w.to_db_file(path)


if __name__ == "__main__":
    mode, output = sys.argv[1], sys.argv[2]
    if mode == "tor":
        write_tor(output, int(sys.argv[3]) if len(sys.argv) > 3 else 15000)
    else:
        {"city": write_city, "v4": write_v4, "big": write_big}[mode](output)
