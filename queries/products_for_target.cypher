// products-for-target
// Products against a target and the diseases they were tried in: distinct patients and reports of
// published evidence, and the registered trials, per product and disease.
// :param target => 'cellkg:target-cd19'
MATCH (t:Target {id: $target})
WITH t
MATCH (t)<-[:TARGETS]-(p:Product)
OPTIONAL MATCH (p)-[:HAS_MODALITY]->(m:Modality)
OPTIONAL MATCH (p)<-[:ABOUT_PRODUCT]-(ev:Evidence)-[:IN_DISEASE]->(d1:Disease)
OPTIONAL MATCH (p)<-[:STUDIES_PRODUCT]-(:Study)-[:STUDIES_CONDITION]->(d2:Disease)
WITH p, m, collect(DISTINCT d1.id) + collect(DISTINCT d2.id) AS tried
UNWIND CASE WHEN size(tried) = 0 THEN [''] ELSE tried END AS did
WITH DISTINCT p, m, did
OPTIONAL MATCH (d:Disease {id: did})
OPTIONAL MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)-[:IN_DISEASE]->(d)
OPTIONAL MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH p, m, d, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports, collect(DISTINCT e.level) AS levels,
     COUNT { MATCH (p)<-[:STUDIES_PRODUCT]-(st:Study)-[:STUDIES_CONDITION]->(d) } AS trials
UNWIND CASE WHEN size(ids) = 0 THEN [''] ELSE ids END AS cid
OPTIONAL MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN p.name AS product, m.name AS modality, d.name AS disease, CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients,
       reports, levels, trials
ORDER BY product, disease
