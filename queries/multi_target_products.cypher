// multi-target-products
// Products whose receptor binds more than one target (dual-target CARs such as BCMA/CD19), with
// their modality, the diseases with reported evidence, and registered trials.
MATCH (p:Product)-[:TARGETS]->(t:Target)
WITH p, collect(DISTINCT t.name) AS targets, count(DISTINCT t) AS n
WHERE n > 1
OPTIONAL MATCH (p)-[:HAS_MODALITY]->(m:Modality)
OPTIONAL MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)-[:IN_DISEASE]->(d:Disease)
WITH p, targets, m, collect(DISTINCT d.name) AS diseases, count(DISTINCT e) AS reports
RETURN p.name AS product, targets, m.name AS modality, diseases, reports,
       COUNT { MATCH (p)<-[:STUDIES_PRODUCT]-(:Study) } AS trials
ORDER BY product
