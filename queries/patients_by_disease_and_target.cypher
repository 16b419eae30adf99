// patients-by-disease-and-target
// Distinct patients treated with cell therapy, by disease (a family and its subtypes) and target:
// cohorts, not reports, so several reports about the same patients count once.
// :param disease => 'MONDO:0007179'
MATCH (root:Disease {id: $disease})
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH d, e
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH d, e, p
MATCH (p)-[:TARGETS]->(t:Target)
WITH d, e, p, t
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH d, t, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports, count(DISTINCT p) AS products
UNWIND ids AS cid
MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN d.name AS disease, t.name AS target,
       CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients, count(c) AS cohorts,
       reports, products
ORDER BY disease, target
