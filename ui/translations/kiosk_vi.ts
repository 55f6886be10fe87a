<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>AdminMode</name>
    <message>
        <source>Printing the test ticket…</source>
        <translation>Đang in phiếu thử…</translation>
    </message>
    <message>
        <source>Printing ticket {label} again…</source>
        <translation>Đang in lại phiếu {label}…</translation>
    </message>
    <message>
        <source>Printed. Take the ticket from the printer.</source>
        <translation>Đã in. Lấy phiếu ở máy in.</translation>
    </message>
    <message>
        <source>Not printed: {problem}</source>
        <translation>Chưa in được: {problem}</translation>
    </message>
    <message>
        <source>Check the paper and the cover, then try again.</source>
        <translation>Kiểm tra giấy và nắp máy in, rồi thử lại.</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>hết giấy</translation>
    </message>
    <message>
        <source>the cover is open</source>
        <translation>nắp máy in đang mở</translation>
    </message>
    <message>
        <source>the printer is offline</source>
        <translation>máy in không kết nối</translation>
    </message>
    <message>
        <source>the printer did not take the job</source>
        <translation>máy in không nhận lệnh in</translation>
    </message>
</context>
<context>
    <name>AlreadyCheckedInPage</name>
    <message>
        <source>You already have a number for today</source>
        <translation>Hôm nay bạn đã có số khám</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>Khoa khám</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Nơi khám</translation>
    </message>
    <message>
        <source>Lost your ticket? We can print it again.</source>
        <translation>Mất phiếu? Máy có thể in lại phiếu cho bạn.</translation>
    </message>
    <message>
        <source>Print my ticket again</source>
        <translation>In lại phiếu của tôi</translation>
    </message>
    <message>
        <source>Another department</source>
        <translation>Khám thêm khoa khác</translation>
    </message>
</context>
<context>
    <name>AppointmentPage</name>
    <message>
        <source>You have an appointment today</source>
        <translation>Bạn có lịch hẹn khám hôm nay</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Giờ hẹn</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>Khoa khám</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Nơi khám</translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation>Bác sĩ</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <source>Do you want to check in for this appointment?</source>
        <translation>Bạn có muốn lấy số khám theo lịch hẹn này không?</translation>
    </message>
    <message>
        <source>Yes, check in</source>
        <translation>Xác nhận</translation>
    </message>
    <message>
        <source>Choose another department</source>
        <translation>Chọn khoa khác</translation>
    </message>
</context>
<context>
    <name>BirthDatePage</name>
    <message>
        <source>Continue without the card</source>
        <translation>Tiếp tục không dùng thẻ</translation>
    </message>
    <message>
        <source>This card&apos;s chip needs your date of birth: day, month, year</source>
        <translation>Chip trên thẻ này cần ngày sinh của bạn: ngày, tháng, năm</translation>
    </message>
    <message>
        <source>{typed} of 8 digits, e.g. 17051990 for 17/05/1990</source>
        <translation>Đã nhập {typed}/8 số, ví dụ 17051990 cho ngày 17/05/1990</translation>
    </message>
</context>
<context>
    <name>BusyPage</name>
    <message>
        <source>Looking up your record…</source>
        <translation>Đang tìm hồ sơ của bạn…</translation>
    </message>
    <message>
        <source>Creating your new record…</source>
        <translation>Đang tạo hồ sơ mới…</translation>
    </message>
    <message>
        <source>Registering your visit…</source>
        <translation>Đang đăng ký khám…</translation>
    </message>
    <message>
        <source>Printing your ticket…</source>
        <translation>Đang in phiếu số thứ tự…</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>Xin vui lòng chờ trong giây lát.</translation>
    </message>
</context>
<context>
    <name>CardNeedsIdPage</name>
    <message>
        <source>Now show the QR code on your ID card to the camera</source>
        <translation>Bây giờ xin đưa mã QR trên thẻ Căn cước / CCCD vào camera</translation>
    </message>
    <message>
        <source>The card&apos;s chip opens only with your ID number. Show the card&apos;s QR code (on the front or the back), then place the card on the reader again. Or type the 12 digits.</source>
        <translation>Chip trên thẻ chỉ mở được bằng số định danh của bạn. Xin đưa mã QR trên thẻ (ở mặt trước hoặc mặt sau) vào camera, rồi đặt lại thẻ lên đầu đọc. Hoặc nhập 12 chữ số.</translation>
    </message>
    <message>
        <source>Type your ID number (Căn cước / CCCD)</source>
        <translation>Nhập số Căn cước / CCCD</translation>
    </message>
</context>
<context>
    <name>Confirm</name>
    <message>
        <source>Change my priority group</source>
        <translation>Đổi đối tượng ưu tiên</translation>
    </message>
    <message>
        <source>I am in a priority group</source>
        <translation>Tôi thuộc đối tượng ưu tiên</translation>
    </message>
</context>
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Please check your choices</source>
        <translation>Xin kiểm tra lại thông tin</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>Khoa khám</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Nơi khám</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Lịch hẹn</translation>
    </message>
    <message>
        <source>Visit type</source>
        <translation>Hình thức khám</translation>
    </message>
    <message>
        <source>{group} (from your age)</source>
        <translation>{group} (theo tuổi của bạn)</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <source>The ticket printer is not working right now.</source>
        <translation>Máy in phiếu đang gặp sự cố.</translation>
    </message>
    <message>
        <source>Your number will be shown on the screen: please note it down.</source>
        <translation>Số thứ tự của bạn sẽ hiện trên màn hình: xin ghi lại.</translation>
    </message>
    <message>
        <source>Confirm and get my number</source>
        <translation>Xác nhận và lấy số</translation>
    </message>
</context>
<context>
    <name>CounterSlipPage</name>
    <message>
        <source>{place}, open {hours}</source>
        <translation>{place}, làm việc {hours}</translation>
    </message>
    <message>
        <source>Please go to the reception counter</source>
        <translation>Mời bạn đến quầy tiếp đón</translation>
    </message>
    <message>
        <source>The slip could not be printed.</source>
        <translation>Không in được phiếu.</translation>
    </message>
    <message>
        <source>Tell the staff this code, or take a photo of this screen.</source>
        <translation>Hãy đọc mã này cho nhân viên, hoặc chụp ảnh màn hình này.</translation>
    </message>
    <message>
        <source>Take your slip and show it at the counter.</source>
        <translation>Mời bạn cầm phiếu và đưa cho nhân viên tại quầy.</translation>
    </message>
    <message>
        <source>Printing your slip for the counter…</source>
        <translation>Đang in phiếu để bạn mang đến quầy…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
</context>
<context>
    <name>DepartmentPage</name>
    <message>
        <source>Choose a department</source>
        <translation>Chọn khoa khám</translation>
    </message>
    <message>
        <source>Go to the reception counter</source>
        <translation>Đến quầy tiếp đón</translation>
    </message>
    <message>
        <source>No department is open for check-in at the kiosk now. Please go to the reception counter.</source>
        <translation>Hiện chưa có khoa nào nhận đăng ký khám tại máy. Mời bạn đến quầy tiếp đón.</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Trang trước</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Trang sau</translation>
    </message>
</context>
<context>
    <name>Fees</name>
    <message>
        <source>You pay (insurance)</source>
        <translation>Bạn đồng chi trả (BHYT)</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Phí khám</translation>
    </message>
</context>
<context>
    <name>FollowUpsPage</name>
    <message>
        <source>Offline follow-ups</source>
        <translation>Hồ sơ cần xử lý (ngoại tuyến)</translation>
    </message>
    <message>
        <source>not sent: {answer}</source>
        <translation>chưa gửi được: {answer}</translation>
    </message>
    <message>
        <source>registered, ticket not printed</source>
        <translation>đã đăng ký, phiếu chưa in</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Gửi lại</translation>
    </message>
    <message>
        <source>Drop</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>In phiếu</translation>
    </message>
    <message>
        <source>Nothing to follow up.</source>
        <translation>Không có hồ sơ nào cần xử lý.</translation>
    </message>
    <message>
        <source>The hospital refused these check-ins after the kiosk printed a provisional ticket. Call the ticket number to the counter, then mark it done.</source>
        <translation>Bệnh viện đã từ chối các lượt đăng ký này sau khi kiosk in số tạm thời. Hãy mời số phiếu đến quầy, rồi đánh dấu đã xử lý.</translation>
    </message>
    <message>
        <source>Ticket {ticket} · {department} · {reason} · {time}</source>
        <translation>Phiếu {ticket} · {department} · {reason} · {time}</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Đã xử lý</translation>
    </message>
    <message>
        <source>patient not found</source>
        <translation>không tìm thấy người bệnh</translation>
    </message>
    <message>
        <source>identity not found</source>
        <translation>không xác định được danh tính</translation>
    </message>
    <message>
        <source>insurance not valid</source>
        <translation>thẻ BHYT không hợp lệ</translation>
    </message>
    <message>
        <source>department not found</source>
        <translation>không tìm thấy khoa</translation>
    </message>
    <message>
        <source>appointment not found</source>
        <translation>không tìm thấy lịch hẹn</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>Your recent visits</source>
        <translation>Lịch sử khám gần đây</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <source>No earlier visits are recorded.</source>
        <translation>Chưa có lần khám nào trước đây.</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Ẩn chi tiết</translation>
    </message>
    <message>
        <source>Show details (diagnoses)</source>
        <translation>Xem chi tiết (chẩn đoán)</translation>
    </message>
    <message>
        <source>Doctor: {name}</source>
        <translation>Bác sĩ: {name}</translation>
    </message>
    <message>
        <source>Diagnosis: {text}</source>
        <translation>Chẩn đoán: {text}</translation>
    </message>
</context>
<context>
    <name>HospitalUnavailablePage</name>
    <message>
        <source>Try again</source>
        <translation>Thử lại</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
</context>
<context>
    <name>IdleCountdown</name>
    <message>
        <source>Need more time?</source>
        <translation>Cần thêm thời gian?</translation>
    </message>
    <message>
        <source>In {seconds} seconds the screen goes back to the start. Tap to stay.</source>
        <translation>Sau {seconds} giây, màn hình sẽ trở về trang đầu. Chạm vào màn hình để ở lại.</translation>
    </message>
    <message>
        <source>Yes, I need more time</source>
        <translation>Có, tôi cần thêm thời gian</translation>
    </message>
</context>
<context>
    <name>KeypadPage</name>
    <message>
        <source>Clear</source>
        <translation>Xóa hết</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>Xóa số cuối</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Type the 12 digits of your ID number (Căn cước / CCCD)</source>
        <translation>Nhập 12 số trên thẻ Căn cước / CCCD của bạn</translation>
    </message>
    <message>
        <source>{typed} of 12 digits</source>
        <translation>Đã nhập {typed}/12 số</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Call staff</source>
        <translation>Gọi nhân viên</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>‹ Back</source>
        <translation>‹ Quay lại</translation>
    </message>
    <message>
        <source>The hospital system is not answering. You still get a number.</source>
        <translation>Hệ thống bệnh viện đang gián đoạn. Bạn vẫn nhận được số thứ tự.</translation>
    </message>
    <message>
        <source>Call staff for help</source>
        <translation>Gọi nhân viên hỗ trợ</translation>
    </message>
    <message>
        <source>Calling staff…</source>
        <translation>Đang gọi nhân viên…</translation>
    </message>
    <message>
        <source>Staff have been told.</source>
        <translation>Đã báo cho nhân viên.</translation>
    </message>
    <message>
        <source>Someone will come to this kiosk. Please wait here.</source>
        <translation>Nhân viên sẽ đến máy này. Xin bạn chờ tại đây.</translation>
    </message>
    <message>
        <source>The kiosk could not reach staff.</source>
        <translation>Máy chưa liên lạc được với nhân viên.</translation>
    </message>
    <message>
        <source>Please go to the reception counter for help.</source>
        <translation>Mời bạn đến quầy tiếp đón để được hỗ trợ.</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>Nghe hướng dẫn</translation>
    </message>
</context>
<context>
    <name>LeaveKioskPage</name>
    <message>
        <source>Restart the kiosk?</source>
        <translation>Khởi động lại kiosk?</translation>
    </message>
    <message>
        <source>Patients cannot check in for about a minute.</source>
        <translation>Người bệnh không thể lấy số khám trong khoảng một phút.</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Khởi động lại</translation>
    </message>
    <message>
        <source>Exit to the desktop?</source>
        <translation>Thoát khỏi kiosk?</translation>
    </message>
    <message>
        <source>The kiosk stops serving patients until it is started again.</source>
        <translation>Kiosk ngừng phục vụ người bệnh cho đến khi được khởi động lại.</translation>
    </message>
    <message>
        <source>Exit to the desktop</source>
        <translation>Thoát khỏi kiosk</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
</context>
<context>
    <name>ListPage</name>
    <message>
        <source>‹ Back</source>
        <translation>‹ Quay lại</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>The card could not be read.</source>
        <translation>Không đọc được thẻ.</translation>
    </message>
    <message>
        <source>Place the card flat on the reader and keep it there until the next screen appears. Or type your ID number.</source>
        <translation>Xin đặt thẻ nằm phẳng trên đầu đọc và giữ yên cho đến khi màn hình chuyển sang bước tiếp theo. Hoặc nhập số Căn cước / CCCD.</translation>
    </message>
    <message>
        <source>The card was taken away too soon.</source>
        <translation>Thẻ được lấy ra quá sớm.</translation>
    </message>
    <message>
        <source>Place the card on the reader again and leave it there until the next screen appears.</source>
        <translation>Xin đặt lại thẻ lên đầu đọc và để yên cho đến khi màn hình chuyển sang bước tiếp theo.</translation>
    </message>
    <message>
        <source>The chip on this card could not be opened.</source>
        <translation>Không đọc được chip trên thẻ này.</translation>
    </message>
    <message>
        <source>This card could not be verified.</source>
        <translation>Không xác thực được thẻ này.</translation>
    </message>
    <message>
        <source>Please take the card to the reception counter. Staff will help you.</source>
        <translation>Xin mang thẻ đến quầy tiếp đón để nhân viên hỗ trợ.</translation>
    </message>
    <message>
        <source>The kiosk cannot read this kind of code.</source>
        <translation>Máy không đọc được loại mã này.</translation>
    </message>
    <message>
        <source>Show the QR code of your ID card, of the VNeID app or of your health insurance card. Or type your ID number.</source>
        <translation>Xin đưa mã QR trên thẻ Căn cước / CCCD, trong ứng dụng VNeID hoặc trên thẻ BHYT. Hoặc nhập số Căn cước / CCCD.</translation>
    </message>
    <message>
        <source>The code could not be read completely.</source>
        <translation>Chưa đọc được đầy đủ mã.</translation>
    </message>
    <message>
        <source>Hold the code still, about a hand&apos;s width from the camera, and try again.</source>
        <translation>Xin giữ yên mã, cách camera khoảng một bàn tay, rồi thử lại.</translation>
    </message>
    <message>
        <source>This ID number is not valid.</source>
        <translation>Số Căn cước / CCCD không hợp lệ.</translation>
    </message>
    <message>
        <source>Check the 12 digits on your ID card and type them again.</source>
        <translation>Xin kiểm tra 12 số trên thẻ Căn cước / CCCD và nhập lại.</translation>
    </message>
    <message>
        <source>The hospital has no record for you yet. A new record needs the name and date of birth from your ID card.</source>
        <translation>Bệnh viện chưa có hồ sơ của bạn. Để tạo hồ sơ mới, máy cần họ tên và ngày sinh trên thẻ Căn cước / CCCD.</translation>
    </message>
    <message>
        <source>The hospital system is not answering right now.</source>
        <translation>Hệ thống bệnh viện hiện chưa phản hồi.</translation>
    </message>
    <message>
        <source>Press Try again in a moment, or go to the reception counter.</source>
        <translation>Xin bấm Thử lại sau giây lát, hoặc đến quầy tiếp đón.</translation>
    </message>
    <message>
        <source>The hospital system could not finish your request.</source>
        <translation>Hệ thống bệnh viện chưa xử lý xong yêu cầu của bạn.</translation>
    </message>
    <message>
        <source>Your health insurance cannot be used at the kiosk today.</source>
        <translation>Hôm nay chưa dùng được thẻ BHYT của bạn tại máy.</translation>
    </message>
    <message>
        <source>The hospital could not register this visit at the kiosk.</source>
        <translation>Bệnh viện chưa đăng ký được lượt khám này tại máy.</translation>
    </message>
    <message>
        <source>Staff at the reception counter will check your card.</source>
        <translation>Nhân viên tại quầy tiếp đón sẽ kiểm tra thẻ cho bạn.</translation>
    </message>
    <message>
        <source>Show the card&apos;s QR code to the camera, or type your ID number.</source>
        <translation>Xin đưa mã QR trên thẻ vào camera, hoặc nhập số Căn cước / CCCD.</translation>
    </message>
    <message>
        <source>This is not a valid date of birth.</source>
        <translation>Ngày sinh này không hợp lệ.</translation>
    </message>
    <message>
        <source>Type the day, the month and the year: 8 digits, e.g. 17051990.</source>
        <translation>Xin nhập ngày, tháng, năm: 8 chữ số, ví dụ 17051990.</translation>
    </message>
    <message>
        <source>This card belongs to someone else.</source>
        <translation>Thẻ này là của người khác.</translation>
    </message>
    <message>
        <source>Place the ID card of the person checking in on the reader, or continue without the card.</source>
        <translation>Xin đặt thẻ Căn cước / CCCD của người đăng ký khám lên đầu đọc, hoặc tiếp tục không dùng thẻ.</translation>
    </message>
    <message>
        <source>Only the hospital system can read this code, and it is not answering.</source>
        <translation>Chỉ hệ thống bệnh viện đọc được mã này, và hệ thống đang gián đoạn.</translation>
    </message>
    <message>
        <source>Show the QR code on your ID card or health insurance card instead, or type your ID number.</source>
        <translation>Xin đưa mã QR trên thẻ Căn cước / CCCD hoặc thẻ bảo hiểm y tế thay vào đó, hoặc nhập số Căn cước / CCCD.</translation>
    </message>
    <message>
        <source>Press Done, then show the QR code on your chip ID card and place the card on the reader. Or go to the reception counter.</source>
        <translation>Xin bấm Xong, rồi đưa mã QR trên thẻ Căn cước / CCCD gắn chip vào camera và đặt thẻ lên đầu đọc. Hoặc đến quầy tiếp đón.</translation>
    </message>
    <message>
        <source>Staff at the reception counter will help you register.</source>
        <translation>Nhân viên tại quầy tiếp đón sẽ hỗ trợ bạn đăng ký.</translation>
    </message>
    <message>
        <source>The printer has a problem.</source>
        <translation>Máy in đang gặp sự cố.</translation>
    </message>
    <message>
        <source>Please remember your number and show it to a staff member.</source>
        <translation>Xin ghi nhớ số của bạn và đưa số này cho nhân viên xem.</translation>
    </message>
    <message>
        <source>You can choose a paid service visit, or go to the reception counter.</source>
        <translation>Bạn có thể chọn khám dịch vụ, hoặc đến quầy tiếp đón.</translation>
    </message>
    <message>
        <source>Please go to the reception counter to have it checked, or choose a paid service visit.</source>
        <translation>Xin đến quầy tiếp đón để kiểm tra lại, hoặc chọn khám dịch vụ.</translation>
    </message>
    <message>
        <source>You can use your insurance for today&apos;s visit.</source>
        <translation>Bạn được khám bảo hiểm y tế hôm nay.</translation>
    </message>
    <message>
        <source>Your health insurance card is valid.</source>
        <translation>Thẻ BHYT còn hiệu lực.</translation>
    </message>
    <message>
        <source>Your health insurance is valid (managed by the defence or police insurance).</source>
        <translation>Thẻ BHYT còn hiệu lực (do BHXH Bộ Quốc phòng hoặc Bộ Công an quản lý).</translation>
    </message>
    <message>
        <source>Your health insurance is valid. A new card has been issued to you.</source>
        <translation>Thẻ BHYT còn hiệu lực. Bạn đã được cấp thẻ mới.</translation>
    </message>
    <message>
        <source>You can use your insurance today. Please use the new card next time.</source>
        <translation>Bạn được khám bảo hiểm y tế hôm nay. Lần sau xin dùng thẻ mới.</translation>
    </message>
    <message>
        <source>Your health insurance card has expired.</source>
        <translation>Thẻ BHYT đã hết hạn.</translation>
    </message>
    <message>
        <source>No information was found for your insurance card.</source>
        <translation>Không tìm thấy thông tin thẻ BHYT của bạn.</translation>
    </message>
    <message>
        <source>The name on your insurance card does not match the records.</source>
        <translation>Họ tên trên thẻ BHYT không khớp với dữ liệu.</translation>
    </message>
    <message>
        <source>The date of birth on your insurance card does not match the records.</source>
        <translation>Ngày sinh trên thẻ BHYT không khớp với dữ liệu.</translation>
    </message>
    <message>
        <source>Your health insurance card has been withdrawn.</source>
        <translation>Thẻ BHYT đã bị thu hồi.</translation>
    </message>
    <message>
        <source>Your health insurance card is no longer in force.</source>
        <translation>Thẻ BHYT đã bị giảm hoặc chấm dứt hiệu lực.</translation>
    </message>
    <message>
        <source>Insurance for a child without a card must be checked at the counter.</source>
        <translation>Trẻ em chưa có thẻ BHYT cần được kiểm tra tại quầy.</translation>
    </message>
    <message>
        <source>Please go to the reception counter, with the child&apos;s birth certificate if you have it.</source>
        <translation>Xin đến quầy tiếp đón, mang theo giấy khai sinh của trẻ nếu có.</translation>
    </message>
    <message>
        <source>Your health insurance could not be checked right now.</source>
        <translation>Hiện chưa kiểm tra được thẻ BHYT của bạn.</translation>
    </message>
    <message>
        <source>The hospital has no health insurance card for you.</source>
        <translation>Bệnh viện chưa có thông tin thẻ BHYT của bạn.</translation>
    </message>
    <message>
        <source>You can choose a paid service visit. If you have an insurance card, please go to the reception counter.</source>
        <translation>Bạn có thể chọn khám dịch vụ. Nếu có thẻ BHYT, xin đến quầy tiếp đón.</translation>
    </message>
    <message>
        <source>Not in a priority group</source>
        <translation>Không thuộc nhóm ưu tiên</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Cấp cứu</translation>
    </message>
    <message>
        <source>Child under 6</source>
        <translation>Trẻ em dưới 6 tuổi</translation>
    </message>
    <message>
        <source>Pregnant woman</source>
        <translation>Phụ nữ có thai</translation>
    </message>
    <message>
        <source>Person with a severe disability</source>
        <translation>Người khuyết tật nặng hoặc đặc biệt nặng</translation>
    </message>
    <message>
        <source>Aged 75 or over</source>
        <translation>Người từ 75 tuổi trở lên</translation>
    </message>
    <message>
        <source>Person with revolutionary merit</source>
        <translation>Người có công với cách mạng</translation>
    </message>
    <message>
        <source>Health insurance visit</source>
        <translation>Khám bảo hiểm y tế</translation>
    </message>
    <message>
        <source>Paid service visit</source>
        <translation>Khám dịch vụ</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <source>Temporary number: please confirm it at the reception counter.</source>
        <translation>Số tạm thời: xin xác nhận tại quầy tiếp đón.</translation>
    </message>
    <message>
        <source>The hospital system is answering again.</source>
        <translation>Hệ thống bệnh viện đã hoạt động trở lại.</translation>
    </message>
    <message>
        <source>Press Try again, then show the code to the camera once more.</source>
        <translation>Xin bấm Thử lại, rồi đưa mã vào camera một lần nữa.</translation>
    </message>
    <message>
        <source>Press Try again to go on with your check-in.</source>
        <translation>Xin bấm Thử lại để tiếp tục đăng ký khám.</translation>
    </message>
    <message>
        <source>Your visit history cannot be shown right now.</source>
        <translation>Hiện chưa xem được lịch sử khám của bạn.</translation>
    </message>
    <message>
        <source>You can still go on with your check-in.</source>
        <translation>Bạn vẫn có thể tiếp tục đăng ký khám.</translation>
    </message>
</context>
<context>
    <name>NotFoundPage</name>
    <message>
        <source>You have no record at this hospital yet</source>
        <translation>Bạn chưa có hồ sơ tại bệnh viện</translation>
    </message>
    <message>
        <source>Shall we create a new record with these details?</source>
        <translation>Bạn có muốn tạo hồ sơ mới với thông tin này không?</translation>
    </message>
    <message>
        <source>Create a new record</source>
        <translation>Đăng ký hồ sơ mới</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>Số Căn cước / CCCD</translation>
    </message>
    <message>
        <source>Insurance card</source>
        <translation>Số thẻ BHYT</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Shift</source>
        <translation>Chữ hoa</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Dấu cách</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
</context>
<context>
    <name>PatientHeader</name>
    <message>
        <source>Details</source>
        <translation>Chi tiết</translation>
    </message>
    <message>
        <source>No health insurance card</source>
        <translation>Không có thẻ BHYT</translation>
    </message>
    <message>
        <source>Reading your card&apos;s chip: leave the card on the reader.</source>
        <translation>Đang đọc chip trên thẻ: xin để thẻ trên đầu đọc.</translation>
    </message>
    <message>
        <source>Verified by the chip</source>
        <translation>Đã xác thực bằng chip</translation>
    </message>
</context>
<context>
    <name>PatientSummaryPage</name>
    <message>
        <source>Your details</source>
        <translation>Thông tin của bạn</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>Số Căn cước / CCCD</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Tuổi</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <source>Verified with the card&apos;s chip</source>
        <translation>Đã xác thực bằng chip</translation>
    </message>
    <message>
        <source>Read from the card&apos;s chip</source>
        <translation>Đã đọc từ chip trên thẻ</translation>
    </message>
    <message>
        <source>The card&apos;s chip could not be read</source>
        <translation>Không đọc được chip trên thẻ</translation>
    </message>
    <message>
        <source>Your details come from the QR code or the number you typed.</source>
        <translation>Thông tin của bạn được lấy từ mã QR hoặc số bạn đã nhập.</translation>
    </message>
    <message>
        <source>You will be served with priority: {group}</source>
        <translation>Bạn được ưu tiên: {group}</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>See my past visits</source>
        <translation>Xem lịch sử khám</translation>
    </message>
    <message>
        <source>Name as in the chip&apos;s machine-readable zone (without accents)</source>
        <translation>Họ tên theo vùng MRZ của chip (không dấu)</translation>
    </message>
    <message>
        <source>Name from the QR code on the card, matching the chip</source>
        <translation>Họ tên theo mã QR trên thẻ, khớp với chip</translation>
    </message>
</context>
<context>
    <name>PaymentPage</name>
    <message>
        <source>Scan to pay</source>
        <translation>Quét mã để thanh toán</translation>
    </message>
    <message>
        <source>Scan it with your bank&apos;s app: the ticket prints once the bank confirms.</source>
        <translation>Quét bằng ứng dụng ngân hàng: phiếu khám được in ngay khi ngân hàng xác nhận.</translation>
    </message>
    <message>
        <source>Pay at the cashier instead</source>
        <translation>Tôi sẽ nộp tiền tại quầy thu ngân</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>Ngân hàng</translation>
    </message>
    <message>
        <source>Account holder</source>
        <translation>Chủ tài khoản</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Số tài khoản</translation>
    </message>
    <message>
        <source>Transfer note</source>
        <translation>Nội dung chuyển khoản</translation>
    </message>
    <message>
        <source>Time left: {time}</source>
        <translation>Thời gian còn lại: {time}</translation>
    </message>
</context>
<context>
    <name>Phrases</name>
    <message>
        <source>Room {room} · Floor {floor}</source>
        <translation>Phòng {room} · Tầng {floor}</translation>
    </message>
    <message>
        <source>{people} people waiting</source>
        <translation>{people} người đang chờ</translation>
    </message>
    <message>
        <source>Wait about {minutes} min</source>
        <translation>Chờ khoảng {minutes} phút</translation>
    </message>
    <message>
        <source>{age} years old</source>
        <translation>{age} tuổi</translation>
    </message>
</context>
<context>
    <name>PinPage</name>
    <message>
        <source>Staff mode is not set up on this kiosk</source>
        <translation>Kiosk này chưa cài đặt chế độ nhân viên</translation>
    </message>
    <message>
        <source>IT staff set a PIN with: kiosk admin set-pin CONFIG-FILE</source>
        <translation>Bộ phận CNTT đặt mã PIN bằng lệnh: kiosk admin set-pin CONFIG-FILE</translation>
    </message>
    <message>
        <source>Staff mode</source>
        <translation>Chế độ nhân viên</translation>
    </message>
    <message>
        <source>Enter the staff PIN</source>
        <translation>Nhập mã PIN nhân viên</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Xóa hết</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>Xóa số cuối</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <source>Checking the PIN…</source>
        <translation>Đang kiểm tra mã PIN…</translation>
    </message>
    <message>
        <source>Wrong PIN</source>
        <translation>Sai mã PIN</translation>
    </message>
    <message>
        <source>{left} tries left before staff mode locks for 5 minutes.</source>
        <translation>Còn {left} lần thử trước khi chế độ nhân viên bị khóa 5 phút.</translation>
    </message>
    <message>
        <source>Too many wrong PINs: staff mode is locked</source>
        <translation>Nhập sai mã PIN quá nhiều lần: chế độ nhân viên đã bị khóa</translation>
    </message>
    <message>
        <source>Try again in {minutes} min.</source>
        <translation>Thử lại sau {minutes} phút.</translation>
    </message>
</context>
<context>
    <name>PlaceCardPage</name>
    <message>
        <source>Reading the card&apos;s chip…</source>
        <translation>Đang đọc chip trên thẻ…</translation>
    </message>
    <message>
        <source>Keep the card still on the reader.</source>
        <translation>Xin giữ yên thẻ trên đầu đọc.</translation>
    </message>
    <message>
        <source>Now place your ID card (Căn cước / CCCD) on the card reader</source>
        <translation>Bây giờ xin đặt thẻ Căn cước / CCCD lên đầu đọc thẻ</translation>
    </message>
    <message>
        <source>The kiosk reads the chip to confirm your details. Keep the card there until the next screen appears.</source>
        <translation>Máy đọc chip để xác nhận thông tin của bạn. Xin để yên thẻ cho đến khi màn hình chuyển sang bước tiếp theo.</translation>
    </message>
    <message>
        <source>Continue without the card</source>
        <translation>Tiếp tục không dùng thẻ</translation>
    </message>
</context>
<context>
    <name>PrinterFaultPage</name>
    <message>
        <source>Your queue number</source>
        <translation>Số thứ tự của bạn</translation>
    </message>
    <message>
        <source>Take a photo of this screen.</source>
        <translation>Hãy chụp ảnh màn hình này.</translation>
    </message>
    <message>
        <source>Staff have been told about the printer. Please show them your number.</source>
        <translation>Nhân viên đã được báo về sự cố máy in. Xin đưa số của bạn cho nhân viên xem.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
</context>
<context>
    <name>PriorityPage</name>
    <message>
        <source>Do you belong to a priority group?</source>
        <translation>Bạn có thuộc nhóm ưu tiên không?</translation>
    </message>
    <message>
        <source>People in these groups are seen first. Staff may ask to see a document.</source>
        <translation>Người thuộc các nhóm này được khám trước. Nhân viên có thể đề nghị xem giấy tờ.</translation>
    </message>
</context>
<context>
    <name>ReadFailedPage</name>
    <message>
        <source>Try again</source>
        <translation>Thử lại</translation>
    </message>
    <message>
        <source>Type your ID number (Căn cước / CCCD)</source>
        <translation>Nhập số Căn cước / CCCD</translation>
    </message>
</context>
<context>
    <name>ServicePage</name>
    <message>
        <source>Choose the type of visit</source>
        <translation>Chọn hình thức khám</translation>
    </message>
    <message>
        <source>How will the visit be paid?</source>
        <translation>Chi phí lần khám này được chi trả thế nào?</translation>
    </message>
    <message>
        <source>Paid by your health insurance card (BHYT).</source>
        <translation>Dùng thẻ bảo hiểm y tế (BHYT).</translation>
    </message>
    <message>
        <source>Not available: {reason}</source>
        <translation>Không dùng được: {reason}</translation>
    </message>
    <message>
        <source>Not available today.</source>
        <translation>Hôm nay không dùng được.</translation>
    </message>
    <message>
        <source>Health insurance visit (BHYT)</source>
        <translation>Khám bảo hiểm y tế (BHYT)</translation>
    </message>
    <message>
        <source>Paid service visit</source>
        <translation>Khám dịch vụ</translation>
    </message>
    <message>
        <source>You pay the hospital fee yourself.</source>
        <translation>Bạn tự chi trả chi phí khám.</translation>
    </message>
    <message>
        <source>Go to the reception counter</source>
        <translation>Đến quầy tiếp đón</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>This kiosk</source>
        <translation>Kiosk này</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Thiết bị</translation>
    </message>
    <message>
        <source>Patients</source>
        <translation>Người bệnh</translation>
    </message>
    <message>
        <source>Kiosk ID (sent with every check-in, unique per kiosk)</source>
        <translation>Mã kiosk (gửi kèm mỗi lượt đăng ký, mỗi kiosk một mã)</translation>
    </message>
    <message>
        <source>Where it stands (for staff)</source>
        <translation>Vị trí đặt kiosk (cho nhân viên)</translation>
    </message>
    <message>
        <source>Hospital system address</source>
        <translation>Địa chỉ hệ thống bệnh viện</translation>
    </message>
    <message>
        <source>Printer address (IP or name)</source>
        <translation>Địa chỉ máy in (IP hoặc tên)</translation>
    </message>
    <message>
        <source>Printer port</source>
        <translation>Cổng máy in</translation>
    </message>
    <message>
        <source>USB vendor ID (hex, as lsusb shows it)</source>
        <translation>Mã hãng USB (hệ 16, như lsusb hiển thị)</translation>
    </message>
    <message>
        <source>USB product ID (hex)</source>
        <translation>Mã sản phẩm USB (hệ 16)</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>Cổng nối tiếp</translation>
    </message>
    <message>
        <source>Serial speed (baud)</source>
        <translation>Tốc độ cổng nối tiếp (baud)</translation>
    </message>
    <message>
        <source>CUPS queue name</source>
        <translation>Tên hàng đợi CUPS</translation>
    </message>
    <message>
        <source>Printer device file</source>
        <translation>Tệp thiết bị máy in</translation>
    </message>
    <message>
        <source>Card reader name (a part is enough; empty: the first)</source>
        <translation>Tên đầu đọc thẻ (chỉ cần một phần; để trống: đầu đọc đầu tiên)</translation>
    </message>
    <message>
        <source>Camera name (a part is enough; empty: the default)</source>
        <translation>Tên camera (chỉ cần một phần; để trống: camera mặc định)</translation>
    </message>
    <message>
        <source>Ticket printer</source>
        <translation>Máy in phiếu</translation>
    </message>
    <message>
        <source>Chip card reader</source>
        <translation>Đầu đọc thẻ chip</translation>
    </message>
    <message>
        <source>Camera for QR codes</source>
        <translation>Camera quét mã QR</translation>
    </message>
    <message>
        <source>Back to the welcome screen after no touch for</source>
        <translation>Quay về màn hình chào khi không ai chạm trong</translation>
    </message>
    <message>
        <source>Language every patient starts in</source>
        <translation>Ngôn ngữ ban đầu cho người bệnh</translation>
    </message>
    <message>
        <source>When the hospital system does not answer</source>
        <translation>Khi hệ thống bệnh viện không phản hồi</translation>
    </message>
    <message>
        <source>Serve patients looked up in the last</source>
        <translation>Phục vụ người bệnh đã tra cứu trong vòng</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Mạng</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>Nối tiếp</translation>
    </message>
    <message>
        <source>Device file</source>
        <translation>Tệp thiết bị</translation>
    </message>
    <message>
        <source>Simulated</source>
        <translation>Mô phỏng</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Không có</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} giây</translation>
    </message>
    <message>
        <source>Provisional tickets</source>
        <translation>In số tạm</translation>
    </message>
    <message>
        <source>Send patients to the counter</source>
        <translation>Mời người bệnh ra quầy</translation>
    </message>
    <message>
        <source>{hours} h</source>
        <translation>{hours} giờ</translation>
    </message>
    <message>
        <source>Departments patients may choose</source>
        <translation>Các khoa người bệnh được chọn</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>Tất cả các khoa</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Restart the kiosk</source>
        <translation>Khởi động lại kiosk</translation>
    </message>
    <message>
        <source>‹ Back</source>
        <translation>‹ Quay lại</translation>
    </message>
    <message>
        <source>Saved in the kiosk&apos;s data folder (settings.toml), over the config file; they take effect after a restart.</source>
        <translation>Lưu vào thư mục dữ liệu của kiosk (settings.toml), thay cho giá trị trong tệp cấu hình; có hiệu lực sau khi khởi động lại.</translation>
    </message>
    <message>
        <source>Settings cannot be saved here</source>
        <translation>Không lưu được cài đặt ở đây</translation>
    </message>
    <message>
        <source>This kiosk was started without a config file (a demo, or no --config). IT staff change its settings in the file.</source>
        <translation>Kiosk này chạy không có tệp cấu hình (bản demo, hoặc thiếu --config). Nhân viên CNTT đổi cài đặt trong tệp.</translation>
    </message>
    <message>
        <source>None chosen: patients see every department.</source>
        <translation>Không chọn khoa nào: người bệnh thấy mọi khoa.</translation>
    </message>
    <message>
        <source>The hospital system does not answer: only the chosen codes are shown.</source>
        <translation>Hệ thống bệnh viện không phản hồi: chỉ hiện các mã khoa đã chọn.</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Đã lưu</translation>
    </message>
    <message>
        <source>The new settings take effect after “Restart the kiosk”.</source>
        <translation>Cài đặt mới có hiệu lực sau khi bấm “Khởi động lại kiosk”.</translation>
    </message>
    <message>
        <source>The settings could not be saved or read</source>
        <translation>Không đọc hoặc lưu được cài đặt</translation>
    </message>
    <message>
        <source>must start with http:// or https://</source>
        <translation>phải bắt đầu bằng http:// hoặc https://</translation>
    </message>
    <message>
        <source>names no host, e.g. https://his.example.vn</source>
        <translation>thiếu tên máy chủ, ví dụ https://his.example.vn</translation>
    </message>
    <message>
        <source>only letters, digits, “-” and “_”, at most 32 (e.g. KIOSK-01)</source>
        <translation>chỉ gồm chữ, số, “-” và “_”, tối đa 32 ký tự (ví dụ KIOSK-01)</translation>
    </message>
    <message>
        <source>required for this kind of printer</source>
        <translation>bắt buộc với loại máy in này</translation>
    </message>
    <message>
        <source>must be a hexadecimal number such as 04b8</source>
        <translation>phải là số hệ 16, ví dụ 04b8</translation>
    </message>
    <message>
        <source>must be between 1 and 65535</source>
        <translation>phải từ 1 đến 65535</translation>
    </message>
    <message>
        <source>must be greater than 0</source>
        <translation>phải lớn hơn 0</translation>
    </message>
    <message>
        <source>at most 32 characters</source>
        <translation>tối đa 32 ký tự</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>phải là số nguyên</translation>
    </message>
    <message>
        <source>is not a valid pattern (a regular expression)</source>
        <translation>không phải mẫu hợp lệ (biểu thức chính quy)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
</context>
<context>
    <name>StatusPage</name>
    <message>
        <source>Staff mode</source>
        <translation>Chế độ nhân viên</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>In thử</translation>
    </message>
    <message>
        <source>Reprint a ticket</source>
        <translation>In lại phiếu</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>Hồ sơ cần xử lý</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Restart the kiosk</source>
        <translation>Khởi động lại kiosk</translation>
    </message>
    <message>
        <source>Exit to the desktop</source>
        <translation>Thoát khỏi kiosk</translation>
    </message>
    <message>
        <source>Back to check-in</source>
        <translation>Quay lại màn hình tiếp đón</translation>
    </message>
    <message>
        <source>Reading the devices…</source>
        <translation>Đang đọc trạng thái thiết bị…</translation>
    </message>
    <message>
        <source>Status at {time}</source>
        <translation>Trạng thái lúc {time}</translation>
    </message>
    <message>
        <source>The devices could not be read ({reason})</source>
        <translation>Không đọc được trạng thái thiết bị ({reason})</translation>
    </message>
    <message>
        <source>Never synced with the hospital yet</source>
        <translation>Chưa đồng bộ với bệnh viện lần nào</translation>
    </message>
    <message>
        <source>Last sync: {time}</source>
        <translation>Đồng bộ lần cuối: {time}</translation>
    </message>
    <message>
        <source>Last delivered: {time}</source>
        <translation>Gửi thành công lần cuối: {time}</translation>
    </message>
    <message>
        <source>Nothing delivered yet</source>
        <translation>Chưa gửi được cảnh báo nào</translation>
    </message>
    <message>
        <source>Last failure: {error}</source>
        <translation>Lỗi gần nhất: {error}</translation>
    </message>
    <message>
        <source>Card reader</source>
        <translation>Đầu đọc thẻ</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>QR scanner</source>
        <translation>Máy quét mã QR</translation>
    </message>
    <message>
        <source>Ticket printer</source>
        <translation>Máy in phiếu</translation>
    </message>
    <message>
        <source>Hospital link</source>
        <translation>Kết nối bệnh viện</translation>
    </message>
    <message>
        <source>Offline outbox</source>
        <translation>Hàng chờ gửi (ngoại tuyến)</translation>
    </message>
    <message>
        <source>Staff alerts</source>
        <translation>Cảnh báo cho nhân viên</translation>
    </message>
    <message>
        <source>Ready ({count} reader(s))</source>
        <translation>Sẵn sàng ({count} đầu đọc)</translation>
    </message>
    <message>
        <source>{count} check-ins waiting to be sent</source>
        <translation>{count} lượt đăng ký đang chờ gửi</translation>
    </message>
    <message>
        <source>Not configured</source>
        <translation>Chưa cấu hình</translation>
    </message>
    <message>
        <source>No reader connected</source>
        <translation>Chưa kết nối đầu đọc</translation>
    </message>
    <message>
        <source>A card is on the reader</source>
        <translation>Có thẻ trên đầu đọc</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Sẵn sàng</translation>
    </message>
    <message>
        <source>Simulated (demo)</source>
        <translation>Mô phỏng (demo)</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Đang hoạt động</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Đang khởi động</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Đã dừng</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Không tìm thấy</translation>
    </message>
    <message>
        <source>Unplugged</source>
        <translation>Đã rút ra</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Bị lỗi</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Mất kết nối</translation>
    </message>
    <message>
        <source>Keyboard-wedge scanner</source>
        <translation>Máy quét kiểu bàn phím</translation>
    </message>
    <message>
        <source>Out of paper</source>
        <translation>Hết giấy</translation>
    </message>
    <message>
        <source>Cover open</source>
        <translation>Nắp đang mở</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Mất kết nối</translation>
    </message>
    <message>
        <source>Cannot send to the printer</source>
        <translation>Không gửi được đến máy in</translation>
    </message>
    <message>
        <source>Paper nearly out</source>
        <translation>Sắp hết giấy</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Không rõ</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Đang kết nối</translation>
    </message>
    <message>
        <source>Nothing waiting</source>
        <translation>Không có gì đang chờ</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Chưa khởi động</translation>
    </message>
    <message>
        <source>No webhook: shown only here ({count} open)</source>
        <translation>Chưa có webhook: chỉ hiện ở đây ({count} đang mở)</translation>
    </message>
    <message>
        <source>Not reaching staff: {count} alerts waiting</source>
        <translation>Không đến được nhân viên: {count} cảnh báo đang chờ gửi</translation>
    </message>
    <message>
        <source>Sending {count} alerts</source>
        <translation>Đang gửi {count} cảnh báo</translation>
    </message>
    <message>
        <source>Reaching staff ({count} open)</source>
        <translation>Đến được nhân viên ({count} đang mở)</translation>
    </message>
</context>
<context>
    <name>SwitchPatientPage</name>
    <message>
        <source>This code belongs to someone else</source>
        <translation>Mã này là của một người khác</translation>
    </message>
    <message>
        <source>Start over for the person whose code was just shown? The check-in on screen will be cancelled.</source>
        <translation>Bắt đầu lại cho người vừa đưa mã? Lượt đăng ký đang hiện trên màn hình sẽ bị hủy.</translation>
    </message>
    <message>
        <source>Start over for this person</source>
        <translation>Bắt đầu lại cho người này</translation>
    </message>
    <message>
        <source>Go on with the current check-in</source>
        <translation>Tiếp tục lượt đăng ký hiện tại</translation>
    </message>
</context>
<context>
    <name>Ticket</name>
    <message>
        <source>Department</source>
        <translation>Khoa khám</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Nơi khám</translation>
    </message>
    <message>
        <source>How to get there</source>
        <translation>Đường đi</translation>
    </message>
</context>
<context>
    <name>TicketPage</name>
    <message>
        <source>Your queue number</source>
        <translation>Số thứ tự của bạn</translation>
    </message>
    <message>
        <source>People ahead of you</source>
        <translation>Số người trước bạn</translation>
    </message>
    <message>
        <source>Estimated wait</source>
        <translation>Thời gian chờ</translation>
    </message>
    <message>
        <source>about {minutes} min</source>
        <translation>khoảng {minutes} phút</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>Bản in lại</translation>
    </message>
    <message>
        <source>The number you were given earlier today, printed again.</source>
        <translation>Số thứ tự bạn đã nhận hôm nay, được in lại.</translation>
    </message>
    <message>
        <source>Please take your ticket from the printer.</source>
        <translation>Mời bạn nhận phiếu ở khe máy in.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Xong</translation>
    </message>
</context>
<context>
    <name>TicketsPage</name>
    <message>
        <source>Reprint a ticket</source>
        <translation>In lại phiếu</translation>
    </message>
    <message>
        <source>No ticket has been printed since the kiosk started.</source>
        <translation>Chưa in phiếu nào từ khi kiosk khởi động.</translation>
    </message>
    <message>
        <source>The last tickets printed here, newest first. Touch one.</source>
        <translation>Các phiếu in gần đây, mới nhất ở trên. Chạm vào phiếu cần in lại.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome! Check in for your visit here.</source>
        <translation>Xin chào! Mời bạn đăng ký khám bệnh tại đây.</translation>
    </message>
    <message>
        <source>ID card (Căn cước / CCCD)</source>
        <translation>Thẻ Căn cước / CCCD</translation>
    </message>
    <message>
        <source>Show its QR code (front or back) to the camera, then place it on the reader.</source>
        <translation>Đưa mã QR trên thẻ (mặt trước hoặc mặt sau) vào camera, rồi đặt thẻ lên đầu đọc.</translation>
    </message>
    <message>
        <source>or</source>
        <translation>hoặc</translation>
    </message>
    <message>
        <source>Show a QR code to the camera</source>
        <translation>Đưa mã QR vào camera</translation>
    </message>
    <message>
        <source>The QR code in the VNeID app or on your health insurance card (BHYT).</source>
        <translation>Mã QR trong ứng dụng VNeID hoặc trên thẻ bảo hiểm y tế (BHYT).</translation>
    </message>
    <message>
        <source>Type your ID number (Căn cước / CCCD)</source>
        <translation>Nhập số Căn cước / CCCD</translation>
    </message>
    <message>
        <source>The ticket printer is not working: your number will be shown on the screen.</source>
        <translation>Máy in phiếu đang gặp sự cố: số thứ tự của bạn sẽ hiện trên màn hình.</translation>
    </message>
    <message>
        <source>Emergency? Go straight to the Emergency department, or tell a staff member.</source>
        <translation>Cấp cứu? Xin đến ngay khoa Cấp cứu hoặc báo nhân viên.</translation>
    </message>
</context>
<context>
    <name>Widgets</name>
    <message>
        <source>Recommended</source>
        <translation>Nên chọn</translation>
    </message>
</context>
</TS>
