# casetrail 界面文字（简体中文，默认）。与 en.ftl 保持相同的消息 ID。

## Record kinds (文书种类)
kind-inspection_plan = 统计执法检查方案
kind-inspection_deployment_notice = 检查任务部署通知
kind-clue_register = 问题线索登记表
kind-complaint_record = 举报投诉登记表
kind-non_initiation_notice = 不予立案告知书
kind-case_initiation_approval = 立案审批表
kind-emergency_start_record = 紧急启动记录
kind-inspection_notice = 统计执法检查通知书
kind-inspection_inquiry = 统计检查查询书
kind-inquiry_record = 询问笔录
kind-onsite_inspection_record = 现场检查笔录
kind-evidence_request_notice = 调取证据通知书
kind-evidence_list = 证据材料清单
kind-preservation_approval = 证据先行登记保存审批表
kind-preservation_notice = 证据先行登记保存通知书
kind-preservation_list = 证据登记保存清单
kind-preservation_disposal_decision = 登记保存处理决定书
kind-sampling_notice = 抽样取证通知书
kind-sampling_list = 抽样物品清单
kind-expert_opinion = 鉴定意见书
kind-rights_notice = 权利告知书
kind-statement_defense_record = 陈述申辩笔录
kind-defense_review = 陈述申辩复核意见
kind-rectification_order = 责令改正通知书
kind-investigation_final_report = 案件调查终结报告
kind-evidence_caption_sheet = 音像证据说明
kind-non_cooperation_record = 不配合执法记录
kind-penalty_prior_notice = 行政处罚事先告知书
kind-hearing_rights_notice = 听证告知书
kind-hearing_request = 听证申请书
kind-rights_waiver = 放弃陈述申辩、听证声明
kind-hearing_notice = 听证通知书
kind-hearing_record = 听证笔录
kind-hearing_report = 听证报告
kind-legal_review_opinion = 法制审核意见书
kind-expert_panel_minutes = 专家论证会议纪要
kind-collective_discussion_minutes = 集体讨论记录
kind-leader_approval = 负责人审批
kind-penalty_decision_approval = 行政处罚决定审批表
kind-penalty_decision = 行政处罚决定书
kind-no_penalty_decision = 不予行政处罚决定书
kind-on_the_spot_penalty_decision = 当场行政处罚决定书
kind-case_transfer_letter = 案件移送函
kind-discipline_recommendation = 处分建议书
kind-service_receipt = 送达回证
kind-service_address_confirmation = 送达地址确认书
kind-entrusted_service_letter = 委托送达函
kind-compliance_check_record = 整改复查记录
kind-interview_record = 约谈记录
kind-payment_deferral_approval = 延期（分期）缴纳罚款审批表
kind-execution_record = 执行情况记录
kind-demand_notice = 催告书
kind-court_enforcement_application = 强制执行申请书
kind-publication_record = 处罚决定公示记录
kind-case_closure_report = 结案报告
kind-archive_index = 卷内文件目录
kind-av_register = 音像资料登记清单
kind-access_approval = 调阅复制审批表

## Case statuses
status-clue_registered = 线索登记
status-pre_check = 检查中
status-not_initiated = 不予立案
status-filed = 已立案
status-investigating = 调查取证
status-investigation_concluded = 调查终结
status-legal_review = 法制审核
status-prior_notice = 事先告知
status-hearing = 听证
status-deliberation = 集体讨论/审批
status-decided = 已决定
status-serving = 送达中
status-executing = 执行中
status-no_penalty = 不予处罚
status-transferred = 已移送
status-withdrawn = 撤销立案
status-inspection_closed = 检查结束
status-closed = 已结案
status-archived = 已归档

## Stages
stage-initiation = 程序启动
stage-investigation = 调查取证
stage-review_decision = 审查决定
stage-service_execution = 送达执行
stage-archiving = 归档

## Record statuses
record-status-draft = 草稿
record-status-finalized = 已定稿
record-status-void = 已作废

## Validation rules
validation-required = { $field }：必填
validation-too_long = { $field }：超过长度上限
validation-control_characters = { $field }：含有不可见控制字符
validation-bad_format = { $field }：格式不正确
validation-bad_check_character = { $field }：校验码不正确，请核对号码
validation-invalid_date = { $field }：日期或时间不正确
validation-too_few = { $field }：数量不足
validation-too_many = { $field }：数量过多
validation-duplicate = { $field }：重复
validation-certificate_not_valid = { $field }：执法证不在有效期内或状态无效
validation-out_of_range = { $field }：超出允许范围
validation-unknown_reference = { $field }：引用的对象不存在
validation-inconsistent = { $field }：与其他内容矛盾
validation-not_allowed = { $field }：不允许

## Error classes
error-validation = 输入有误
error-not_found = 未找到
error-ambiguous = 编号前缀不唯一，请多输入几位
error-invalid_state = 当前状态下不能执行该操作
error-crypto = 密钥或签名错误
error-journal = 执法记录数据损坏
error-vault = 密钥库错误
error-storage_full = 存储空间已满，未写入任何内容
error-storage = 数据库错误
error-io = 文件读写错误
error-encoding = 数据格式错误

## Journal defects
defect-malformed_header = 事件头无法解析
defect-non_canonical_header = 事件头被改写
defect-unsupported_version = 未知的格式版本
defect-index_mismatch = 索引列与签名内容不一致
defect-unsupported_algorithm = 不允许的签名算法
defect-unknown_key = 未知设备密钥
defect-bad_signature = 签名无效
defect-altered_body = 内容被篡改
defect-broken_link = 链接断开
defect-gap = 记录缺失
defect-reorder = 顺序被调换
defect-duplicate_seq = 序号重复

## Signer roles
role-party = 当事人
role-legal_rep = 法定代表人
role-agent = 委托代理人
role-interviewee = 被询问人
role-witness = 见证人
role-officer = 执法人员
role-recorder = 记录人
role-hearing_host = 听证主持人
role-serving_officer = 送达人
role-recipient = 受送达人
role-provider = 提供人
role-reviewer = 审核人
role-approver = 审批人

## Slot statuses
slot-pending = 待签
slot-signed = 已签名
slot-sealed = 已盖章
slot-refused = 拒签
slot-unable = 无法签名
slot-absent = 不在场
slot-not_required = 无需签名

## Error details
error-not-found-detail = 找不到{ $what }“{ $id }”
error-ambiguous-detail = { $what }编号前缀“{ $prefix }”对应 { $count } 项，请多输入几位
what-case = 案件
what-record = 文书
what-evidence = 证据
what-slot = 签名栏
state-record_not_draft = 该文书已定稿，如需更正请先修改（生成新版本）
state-record_void = 该文书已作废
state-no_change = 内容没有变化
state-case_archived = 案件已归档，只读
state-status_transition_not_allowed = 不允许转换到该状态
state-record_owned_by_another_device = 该文书由另一台设备制作，只能由该设备修改

## Command line
cli-error-prefix = 错误：
cli-zone = 北京时间
cli-no-workspace = 工作区 { $home } 不存在，请先运行 casetrail init（或用 --home 指定）
cli-init-done = 工作区已就绪：{ $home }
cli-device = 本设备 { $id }，ed25519 公钥 { $key }
cli-case-created = 已建立案件 { $no }（编号 { $id }）
cli-no-cases = 还没有案件
cli-no-records = （尚无文书）
cli-case-line = 阶段：{ $stage }　状态：{ $status }　编号：{ $id }
cli-case-opened = 建立时间：{ $at }
cli-officer-line = 执法人员：{ $name }（执法证号 { $cert }，{ $unit }）
cli-party-line = 当事人：{ $name }（统一社会信用代码 { $uscc }）
cli-bad-json = JSON 内容无法读取
cli-bad-value = { $what } 的值“{ $value }”无效
cli-unknown-field = “{ $kind }”没有字段“{ $field }”。可用字段：{ $fields }
cli-record-saved = { $kind } 已保存：编号 { $id }，第 { $version } 版，{ $status }，内容哈希 #{ $hash }
cli-verify-chain = 设备 { $device }：{ $events } 条事件，最新哈希 #{ $head }
cli-verify-sound = 校验通过：{ $events } 条事件的签名、哈希、链接和顺序全部有效
cli-verify-unsound = 校验未通过：发现 { $count } 处问题
cli-verify-defect = 　序号 { $seq }：{ $kind }（{ $code }）
cli-demo-exists = { $home } 已有工作区；演示需要一个新的目录
demo-title = ═══ casetrail 演示：一次现场检查的全过程记录 ═══
demo-workspace = 工作区：{ $home }
demo-device = 本设备：{ $id }（已生成 ed25519 签名密钥，种子只保存在密钥库）
demo-case-opened = { $n }. 建立检查：{ $no }　{ $title }
demo-officers = 　执法人员：{ $officers }
demo-party = 　检查对象：{ $name }（统一社会信用代码 { $uscc }，校验码正确）
demo-record-finalized = { $n }. { $kind }已定稿，内容哈希 #{ $hash }；待签名：{ $slots }
demo-qa = 　共 { $count } 组问答，已记录执法证件出示情况和回避告知
demo-verified = { $n }. 校验执法记录：{ $events } 条事件全部由本设备签名，哈希链完整，没有被改动
demo-explore = 查看：casetrail --home { $home } case show { $case }
