// products-by-modality
// Products of one modality (allogeneic CAR-T, CAAR-T, CAR-NK, mRNA CAR-T, ...): targets, developers,
// the diseases with reported evidence, and registered trials.
// :param modality => 'cellkg:modality-car-nk'
MATCH (m:Modality {id: $modality})
WITH m
MATCH (m)<-[:HAS_MODALITY]-(p:Product)
OPTIONAL MATCH (p)-[:TARGETS]->(t:Target)
WITH m, p, collect(DISTINCT t.name) AS targets
OPTIONAL MATCH (p)-[:DEVELOPED_BY]->(o:Organization)
WITH m, p, targets, collect(DISTINCT o.name) AS developers
OPTIONAL MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)-[:IN_DISEASE]->(d:Disease)
WITH m, p, targets, developers, collect(DISTINCT d.name) AS diseases, count(DISTINCT e) AS reports
RETURN m.name AS modality, p.name AS product, targets, developers, diseases, reports,
       COUNT { MATCH (p)<-[:STUDIES_PRODUCT]-(:Study) } AS trials
ORDER BY product
