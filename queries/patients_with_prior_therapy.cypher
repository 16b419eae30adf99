// patients-with-prior-therapy
// Patients who had a given prior therapy (or one of its kind: rituximab is a CD20 monoclonal
// antibody) before cell therapy, across diseases: distinct patients and reports per disease and product.
// :param therapy => 'cellkg:therapy-rituximab'
MATCH (root:Therapy {id: $therapy})
WITH root
MATCH (th:Therapy)-[:IS_A*0..]->(root)
WITH DISTINCT th
MATCH (e:Evidence)-[:HAS_PRIOR_THERAPY]->(th)
WITH th, e
MATCH (e)-[:IN_DISEASE]->(d:Disease)
WITH th, e, d
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH th, e, d, p
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH th, e, d, p, c
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH d, p, collect(DISTINCT th.name) AS therapies, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports,
     collect(DISTINCT s.id) AS sources, collect(DISTINCT e.id) AS evidence
UNWIND ids AS cid
MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN d.name AS disease, p.name AS product, therapies,
       CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients, reports, sources, evidence
ORDER BY disease, product
