import Foundation

/// The legacy XML API (`/api/...`) families: org list, org, VDC, networks, query service,
/// catalogs and OVF upload, catalog sharing and publishing, vApps and VMs, metadata. One registration line in `VCDRoutes`.
enum LegacyXML {
    static let families: [RouteFamily.Type] = [
        LegacyOrgs.self, QueryService.self, LegacyCatalogs.self, CatalogSharing.self, LegacyVApps.self, LegacyMetadata.self,
    ]
}
