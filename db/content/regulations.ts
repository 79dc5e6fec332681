/**
 * The regulations and standards promotion series (方案 5). Written here in our own words as short reminders, not
 * quotations: no text of the regulations is on these machines. Every item ships as a draft (待核) that a bureau
 * user confirms or edits before it can be pushed; article numbers are left out on purpose.
 * [key, regulation, title, body, industries]
 */
export type RegulationSeed = [string, string, string, string, string[]]

const CATERING = '《餐饮业经营管理办法（试行）》'
const SCRAP = '《报废机动车回收管理办法》'
const MALL = '《购物中心等级划分与评定》'
const STANDARD = '安全生产标准化'

export const regulationSeeds: RegulationSeed[] = [
  ['catering-1', CATERING, '餐饮经营者是安全第一责任人', '餐饮经营者对本店的经营安全负主体责任。店里谁管燃气、谁管消防、谁管用电，要落实到具体的人，并让每位员工知道。', ['catering']],
  ['catering-2', CATERING, '按规定使用燃气', '使用瓶装液化气的，应从有资质的供应单位购气，气瓶间与操作间分开、通风良好，并安装可燃气体报警器。能改用管道气或电的，鼓励“瓶改管”“气改电”。', ['catering']],
  ['catering-3', CATERING, '后厨烟道定期清洗', '油烟管道和灶台周边的油污是后厨火灾的主要隐患，应定期清洗并留存记录，灶具附近不堆放可燃物。', ['catering']],
  ['catering-4', CATERING, '保持疏散通道畅通', '营业期间安全出口不得上锁，疏散通道不得堆放杂物，应急照明和疏散指示标志要保持完好。', ['catering']],
  ['catering-5', CATERING, '员工安全培训要经常', '新员工上岗前要讲清燃气阀门位置、灭火器和灭火毯用法、报警方法；老员工也要定期复训，并组织疏散演练。', ['catering']],
  ['catering-6', CATERING, '节约与安全并重', '办法倡导文明、节约经营。合理控制后厨存放的燃料和油料数量，既减少浪费，也降低火灾风险。', ['catering']],
  ['catering-7', CATERING, '外卖高峰也不能忽视安全', '订单多、出餐急时最容易出现违规操作。高峰期间同样要做到人走火灭、离岗关阀。', ['catering']],
  ['scrap-1', SCRAP, '回收拆解须取得资质认定', '从事报废机动车回收拆解经营，须依法取得资质认定，未经认定不得回收拆解。资质条件中包含场地、设备、环保和安全生产等要求。', ['scrap_vehicle']],
  ['scrap-2', SCRAP, '收车要登记，交车给证明', '回收企业接收报废机动车时，应核对车辆和车主信息并如实登记，向交车人出具报废机动车回收证明。', ['scrap_vehicle']],
  ['scrap-3', SCRAP, '“五大总成”按规定处理', '拆解下的发动机、方向机、变速器、前后桥、车架（“五大总成”），具备再制造条件的可按规定交再制造企业，不具备的应作为废金属交售，不得违规流入市场。', ['scrap_vehicle']],
  ['scrap-4', SCRAP, '拆解作业先排油排液', '拆解前应先抽排燃油、机油、冷却液、制冷剂等，分类收集存放，远离火源，防止泄漏、着火和污染。', ['scrap_vehicle']],
  ['scrap-5', SCRAP, '气割动火要审批', '拆解现场使用气割等动火作业，应落实审批、看护和灭火器材，清理周边油污和可燃物后再作业。', ['scrap_vehicle']],
  ['scrap-6', SCRAP, '新能源车电池单独管理', '拆解新能源汽车，动力蓄电池应由专人按规范拆卸，单独存放在通风、防火的区域，防止短路起火。', ['scrap_vehicle']],
  ['scrap-7', SCRAP, '台账完整，接受监督', '回收、拆解、出售的全过程应建立台账，如实记录，按要求向主管部门报送信息，接受检查。', ['scrap_vehicle']],
  ['mall-1', MALL, '等级评定看经营，也看安全', '购物中心等级评定关注管理和服务水平，安全管理是其中的重要内容。申请评级前，先把消防和安全管理制度落实到位。', ['mall']],
  ['mall-2', MALL, '安全管理有机构、有制度、有人员', '购物中心应明确安全管理机构和负责人，建立消防、设施设备、应急处置等管理制度，并配备相应人员。', ['mall']],
  ['mall-3', MALL, '设施设备按期维保', '电梯、扶梯、消防设施、供配电等设施设备，要按期维护保养和检测，记录可查，发现问题及时整改。', ['mall']],
  ['mall-4', MALL, '人员密集场所重疏散', '节假日和促销活动客流集中，要提前评估人流，安排专人疏导，确保安全出口和疏散通道畅通。', ['mall']],
  ['mall-5', MALL, '商户装修和动火统一管理', '对入驻商户的装修、用电和动火作业实行审批和巡查，装修材料符合防火要求。', ['mall']],
  ['standard-1', STANDARD, '什么是安全生产标准化', '安全生产标准化，就是把安全管理的要求变成日常做法：目标、责任、制度、培训、现场管理、隐患排查、应急和持续改进，一样都不少。', []],
  ['standard-2', STANDARD, '全员安全生产责任制是基础', '标准化建设从全员安全生产责任制做起：从主要负责人到一线员工，每个岗位都写清楚“管什么、怎么管、管不好怎么办”。', []],
  ['standard-3', STANDARD, '隐患排查要形成闭环', '排查出的隐患要登记、整改、验收、销号，整改前后留照片。群里发“#隐患”登记，整改完发“#整改”，就是闭环的做法。', []],
  ['standard-4', STANDARD, '应急预案要能用', '应急预案要结合本单位实际，写明谁报警、谁疏散、谁处置；每年至少组织演练，演练后总结并修改预案。', []],
  ['standard-5', STANDARD, '持续改进，定期自评', '标准化不是一次性工作。每年对照要求自评一次，找出差距，定出改进措施，逐步提升管理水平。', []],
  ['standard-6', STANDARD, '成品油经营单位的标准化重点', '加油站的标准化重点在卸油、加油、动火和防雷防静电管理。各项作业按规程执行，安全设施定期检测。', ['refined_oil']],
]
